//! The figures per note, creator (KOL), tier, format, content type or
//! campaign, with the part no group can claim and the totals, which equal
//! the headline's; and the top and bottom rows by ROI and by engagement.

use serde::{Deserialize, Serialize};

use super::figures::Figures;
use super::period::Period;
use super::prepared::{Attrs, Prepared, NONE};
use super::settings::{iso_day, Currency, KolTier, RoiSettings};
use super::tally::{Context, Item, Tally};
use crate::csv_out::{write_table, Cell};
use crate::schema::CostCategory;
use crate::time::Day;

/// What a breakdown groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Note,
    /// The account: a creator or the brand's own.
    Kol,
    Tier,
    Format,
    ContentType,
    Campaign,
}

impl GroupBy {
    pub const ALL: [GroupBy; 6] = [
        GroupBy::Note,
        GroupBy::Kol,
        GroupBy::Tier,
        GroupBy::Format,
        GroupBy::ContentType,
        GroupBy::Campaign,
    ];

    pub fn name(self) -> &'static str {
        match self {
            GroupBy::Note => "note",
            GroupBy::Kol => "kol",
            GroupBy::Tier => "tier",
            GroupBy::Format => "format",
            GroupBy::ContentType => "content_type",
            GroupBy::Campaign => "campaign",
        }
    }

    /// `note`, `kol` (or `account`, `creator`), `tier`, `format`,
    /// `content-type`, `campaign`.
    pub fn parse(text: &str) -> Option<GroupBy> {
        Some(match crate::schema::normalize_header(text).as_str() {
            "note" | "notes" => GroupBy::Note,
            "kol" | "kols" | "account" | "creator" => GroupBy::Kol,
            "tier" => GroupBy::Tier,
            "format" => GroupBy::Format,
            "contenttype" => GroupBy::ContentType,
            "campaign" => GroupBy::Campaign,
            _ => return None,
        })
    }

    /// The CSV header of the group's key column.
    fn key_header(self) -> &'static str {
        match self {
            GroupBy::Note => "note_id",
            GroupBy::Kol => "account",
            other => other.name(),
        }
    }
}

/// One group's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakdownRow {
    /// The note id, account, tier, format, content type or campaign.
    pub key: String,
    /// Notes: their title, account, campaign, format, content type and day
    /// of publication.
    pub title: Option<String>,
    pub account: Option<String>,
    pub campaign: Option<String>,
    pub format: Option<String>,
    pub content_type: Option<String>,
    #[serde(with = "iso_day")]
    pub published: Option<Day>,
    /// Notes and creators: the account's followers (KOL table) and tier.
    pub followers: Option<f64>,
    pub tier: Option<KolTier>,
    pub figures: Figures,
}

/// A table of groups for the settings' period and filters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    pub by: GroupBy,
    pub period: Period,
    pub currency: Currency,
    /// Groups with anything in the period, highest cost first.
    pub rows: Vec<BreakdownRow>,
    /// Costs and orders tied to no group of this kind (an agency retainer
    /// by format, an order matched to Xiaohongshu but to no note).
    pub not_allocated: Option<Figures>,
    /// Everything: the rows plus the part not allocated; equals the
    /// headline report's figures.
    pub totals: Figures,
}

/// The breakdown of the settings' period by `by`. O(notes + cost entries
/// + order aggregates).
pub fn breakdown(prepared: &Prepared, settings: &RoiSettings, by: GroupBy) -> Breakdown {
    let ctx = Context::new(prepared, settings);
    let period = Period::resolve(&settings.range, prepared.span());
    let groups = match by {
        GroupBy::Note => prepared.note_count(),
        GroupBy::Kol => ctx.account_count(),
        GroupBy::Tier => KolTier::ALL.len(),
        GroupBy::Format => prepared.formats.len(),
        GroupBy::ContentType => prepared.content_types.len(),
        GroupBy::Campaign => ctx.campaign_count(),
    };
    let key = |a: &Attrs| -> u32 {
        match by {
            GroupBy::Note => a.note,
            GroupBy::Kol => a.account,
            GroupBy::Tier if a.account == NONE => NONE,
            GroupBy::Tier => ctx.tier(a.account) as u32,
            GroupBy::Format => a.format,
            GroupBy::ContentType => a.content_type,
            GroupBy::Campaign => a.campaign,
        }
    };
    let mut tallies = vec![Tally::default(); groups];
    let mut rest = Tally::default();
    let mut total = Tally::default();
    // Follower counts belong to accounts: only creator and tier rows can
    // hold them (elsewhere they would sit in "not allocated").
    let followers_group = matches!(by, GroupBy::Kol | GroupBy::Tier);
    ctx.walk(&period, &mut |attrs, item| {
        total.add(&item);
        if matches!(item, Item::FollowersAtStart(_)) && !followers_group {
            return;
        }
        match key(attrs) {
            NONE => rest.add(&item),
            code => tallies[code as usize].add(&item),
        }
    });
    let knows = ctx.known();
    let mut rows: Vec<BreakdownRow> = tallies
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .map(|(code, t)| row(&ctx, by, code as u32, Figures::new(t, settings, knows)))
        .collect();
    rows.sort_by(|a, b| {
        b.figures
            .cost_total
            .total_cmp(&a.figures.cost_total)
            .then_with(|| b.figures.revenue.total_cmp(&a.figures.revenue))
            .then_with(|| a.key.cmp(&b.key))
    });
    Breakdown {
        by,
        period,
        currency: settings.currency.clone(),
        rows,
        not_allocated: (!rest.is_empty()).then(|| Figures::new(&rest, settings, knows)),
        totals: Figures::new(&total, settings, knows),
    }
}

fn row(ctx: &Context<'_>, by: GroupBy, code: u32, figures: Figures) -> BreakdownRow {
    let p = ctx.p;
    let mut row = BreakdownRow {
        key: String::new(),
        title: None,
        account: None,
        campaign: None,
        format: None,
        content_type: None,
        published: None,
        followers: None,
        tier: None,
        figures,
    };
    let text = |label: &str| (!label.is_empty()).then(|| label.to_string());
    match by {
        GroupBy::Note => {
            let n = code as usize;
            let a = p.notes.attrs[n];
            row.key = p.notes.ids[n].to_string();
            row.title = p.notes.titles[n].as_deref().map(str::to_string);
            row.account = (a.account != NONE)
                .then(|| ctx.account_label(a.account))
                .and_then(text);
            row.campaign = (a.campaign != NONE)
                .then(|| ctx.campaign_label(a.campaign))
                .and_then(text);
            row.format = (a.format != NONE)
                .then(|| p.formats.label(a.format))
                .and_then(text);
            row.content_type = (a.content_type != NONE)
                .then(|| p.content_types.label(a.content_type))
                .and_then(text);
            row.published = p.notes.published[n];
            if a.account != NONE {
                row.followers = ctx.followers(a.account);
                row.tier = Some(ctx.tier(a.account));
            }
        }
        GroupBy::Kol => {
            row.key = ctx.account_label(code).to_string();
            row.followers = ctx.followers(code);
            row.tier = Some(ctx.tier(code));
        }
        GroupBy::Tier => {
            let tier = KolTier::ALL[code as usize];
            row.key = tier.name().to_string();
            row.tier = Some(tier);
        }
        GroupBy::Format => row.key = p.formats.label(code).to_string(),
        GroupBy::ContentType => row.key = p.content_types.label(code).to_string(),
        GroupBy::Campaign => row.key = ctx.campaign_label(code).to_string(),
    }
    row
}

/// The label of the row of costs and orders no group claims, in CSV and
/// tables.
pub const NOT_ALLOCATED: &str = "(not allocated)";
/// The label of the totals row.
pub const TOTAL: &str = "(total)";

impl Breakdown {
    /// The table as CSV: one line per row, then the part not allocated and
    /// the totals. Text is defused against formulas; numbers stay numbers
    /// (see [`crate::csv_out`]); money is in the report's currency.
    pub fn csv(&self) -> String {
        let mut header: Vec<&str> = vec![self.by.key_header()];
        match self.by {
            GroupBy::Note => header.extend([
                "title",
                "account",
                "campaign",
                "format",
                "content_type",
                "published",
                "tier",
                "followers",
            ]),
            GroupBy::Kol => header.extend(["tier", "followers"]),
            _ => {}
        }
        header.extend(FIGURE_COLUMNS.iter().map(|(name, _)| *name));
        let extras = |row: Option<&BreakdownRow>| -> Vec<Cell> {
            let text = |t: Option<&String>| t.map_or(Cell::Empty, |t| Cell::Text(t.clone()));
            let tier = |r: &BreakdownRow| r.tier.map_or(Cell::Empty, |t| Cell::from(t.name()));
            match (self.by, row) {
                (GroupBy::Note, Some(r)) => vec![
                    text(r.title.as_ref()),
                    text(r.account.as_ref()),
                    text(r.campaign.as_ref()),
                    text(r.format.as_ref()),
                    text(r.content_type.as_ref()),
                    r.published.map_or(Cell::Empty, |d| Cell::Text(d.iso())),
                    tier(r),
                    Cell::from(r.followers),
                ],
                (GroupBy::Note, None) => vec![Cell::Empty; 8],
                (GroupBy::Kol, Some(r)) => vec![tier(r), Cell::from(r.followers)],
                (GroupBy::Kol, None) => vec![Cell::Empty; 2],
                _ => Vec::new(),
            }
        };
        let line = |key: Cell, row: Option<&BreakdownRow>, f: &Figures| {
            let mut cells = vec![key];
            cells.extend(extras(row));
            cells.extend(FIGURE_COLUMNS.iter().map(|(_, get)| get(f)));
            cells
        };
        let mut lines: Vec<Vec<Cell>> = self
            .rows
            .iter()
            .map(|r| line(Cell::Text(r.key.clone()), Some(r), &r.figures))
            .collect();
        if let Some(rest) = &self.not_allocated {
            lines.push(line(Cell::from(NOT_ALLOCATED), None, rest));
        }
        lines.push(line(Cell::from(TOTAL), None, &self.totals));
        write_table(&header, lines)
    }
}

type Column = (&'static str, fn(&Figures) -> Cell);

/// The figures every breakdown CSV has, in order.
const FIGURE_COLUMNS: &[Column] = &[
    ("notes", |f| Cell::from(f.notes)),
    ("impressions", |f| Cell::from(f.impressions)),
    ("views", |f| Cell::from(f.views)),
    ("interactions", |f| Cell::from(f.interactions)),
    ("saves", |f| Cell::from(f.saves)),
    ("engagement_rate", |f| Cell::from(f.engagement_rate)),
    ("save_rate", |f| Cell::from(f.save_rate)),
    ("product_clicks", |f| Cell::from(f.product_clicks)),
    ("cost_total", |f| Cell::from(f.cost_total)),
    ("cost_content", |f| {
        Cell::from(f.cost_by_category.get(CostCategory::Content))
    }),
    ("cost_kol", |f| {
        Cell::from(f.cost_by_category.get(CostCategory::Kol))
    }),
    ("cost_paid", |f| {
        Cell::from(f.cost_by_category.get(CostCategory::Paid))
    }),
    ("cost_agency", |f| {
        Cell::from(f.cost_by_category.get(CostCategory::Agency))
    }),
    ("cost_technology", |f| {
        Cell::from(f.cost_by_category.get(CostCategory::Technology))
    }),
    ("kol_flat_fee", |f| Cell::from(f.kol_pay.flat_fee)),
    ("kol_product_gift", |f| Cell::from(f.kol_pay.product_gift)),
    ("kol_commission", |f| Cell::from(f.kol_pay.commission)),
    ("kol_platform_fee", |f| Cell::from(f.kol_pay.platform_fee)),
    ("kol_other", |f| Cell::from(f.kol_pay.other)),
    ("cpe", |f| Cell::from(f.cpe)),
    ("cpv", |f| Cell::from(f.cpv)),
    ("cpm", |f| Cell::from(f.cpm)),
    ("revenue", |f| Cell::from(f.revenue)),
    ("orders", |f| Cell::from(f.orders)),
    ("roas", |f| Cell::from(f.roas)),
    ("gross_profit", |f| Cell::from(f.gross_profit)),
    ("net_profit", |f| Cell::from(f.net_profit)),
    ("roi", |f| Cell::from(f.roi)),
    ("emv", |f| Cell::from(f.returns.emv)),
    ("future_value", |f| Cell::from(f.returns.future_value)),
    ("blended_roi", |f| Cell::from(f.returns.blended_roi)),
];

/// The best and worst rows of a breakdown (notes, usually).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rankings {
    /// Highest ROI first; rows without cost (no ROI) are left out.
    pub top_by_roi: Vec<BreakdownRow>,
    /// Lowest ROI first.
    pub bottom_by_roi: Vec<BreakdownRow>,
    /// Highest engagement rate first, among rows with at least `min_views`
    /// views (a note seen 3 times with 2 likes is not the best note).
    pub top_by_engagement: Vec<BreakdownRow>,
    pub bottom_by_engagement: Vec<BreakdownRow>,
}

/// The `count` best and worst rows by ROI and by engagement rate.
pub fn rank(breakdown: &Breakdown, count: usize, min_views: f64) -> Rankings {
    let pick = |value: &dyn Fn(&BreakdownRow) -> Option<f64>, descending: bool| {
        let mut rows: Vec<(&BreakdownRow, f64)> = breakdown
            .rows
            .iter()
            .filter_map(|r| value(r).map(|v| (r, v)))
            .collect();
        rows.sort_by(|a, b| {
            let order = if descending {
                b.1.total_cmp(&a.1)
            } else {
                a.1.total_cmp(&b.1)
            };
            order.then_with(|| a.0.key.cmp(&b.0.key))
        });
        rows.into_iter()
            .take(count)
            .map(|(r, _)| r.clone())
            .collect::<Vec<_>>()
    };
    let roi = |r: &BreakdownRow| r.figures.roi;
    let engagement = |r: &BreakdownRow| {
        (r.figures.views >= min_views)
            .then_some(r.figures.engagement_rate)
            .flatten()
    };
    Rankings {
        top_by_roi: pick(&roi, true),
        bottom_by_roi: pick(&roi, false),
        top_by_engagement: pick(&engagement, true),
        bottom_by_engagement: pick(&engagement, false),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{day, sample};
    use super::super::{report, DateRange};
    use super::*;

    fn run(settings: &RoiSettings, by: GroupBy) -> Breakdown {
        breakdown(&Prepared::new(&sample(), settings), settings, by)
    }

    fn find<'a>(b: &'a Breakdown, key: &str) -> &'a BreakdownRow {
        b.rows
            .iter()
            .find(|r| r.key == key)
            .unwrap_or_else(|| panic!("no row {key}"))
    }

    #[test]
    fn kol_rows_carry_followers_tier_cost_ratios_revenue_and_roi() {
        let b = run(&RoiSettings::default(), GroupBy::Kol);
        let luna = find(&b, "Luna");
        assert_eq!(luna.followers, Some(60_000.0));
        assert_eq!(luna.tier, Some(KolTier::Mid));
        let f = &luna.figures;
        assert_eq!(f.cost_total, 1100.0);
        assert_eq!(f.kol_pay.flat_fee, 1000.0);
        assert_eq!(f.kol_pay.platform_fee, 100.0);
        // n1: 15 interactions, 150 views, 1,500 impressions.
        assert_eq!(f.cpe, Some(1100.0 / 15.0));
        assert_eq!(f.cpv, Some(1100.0 / 150.0));
        assert_eq!(f.cpm, Some(1100.0 * 1000.0 / 1500.0));
        assert_eq!(f.engagement_rate, Some(0.1));
        assert_eq!(f.revenue, 300.0);
        assert_eq!(f.roi, Some((300.0 * 0.6 - 1100.0) / 1100.0));
        // Luna gained 3 followers of 60,000 (59,997 at the start).
        assert_eq!(f.follower_growth_rate, Some(3.0 / 59_997.0));
        // The brand's own account: no cost, so no ROI.
        let brand = find(&b, "Brand");
        assert_eq!(brand.tier, Some(KolTier::Brand));
        assert_eq!(brand.figures.cost_total, 0.0);
        assert_eq!(brand.figures.roi, None);
        // Highest cost first.
        assert_eq!(b.rows[0].key, "Luna");
    }

    #[test]
    fn rows_and_the_unallocated_part_add_up_to_the_headline() {
        let settings = RoiSettings::default();
        let headline = report(&Prepared::new(&sample(), &settings), &settings).current;
        for by in GroupBy::ALL {
            let b = run(&settings, by);
            assert_eq!(b.totals, headline, "{by:?}");
            let rest = b.not_allocated.as_ref();
            let cost: f64 = b.rows.iter().map(|r| r.figures.cost_total).sum::<f64>()
                + rest.map_or(0.0, |r| r.cost_total);
            let revenue: f64 = b.rows.iter().map(|r| r.figures.revenue).sum::<f64>()
                + rest.map_or(0.0, |r| r.revenue);
            let impressions: f64 = b.rows.iter().map(|r| r.figures.impressions).sum();
            assert!((cost - headline.cost_total).abs() < 1e-9, "{by:?}");
            assert!((revenue - headline.revenue).abs() < 1e-9, "{by:?}");
            assert_eq!(impressions, headline.impressions, "{by:?}");
        }
    }

    #[test]
    fn by_format_the_retainer_and_untied_orders_are_not_allocated() {
        let b = run(&RoiSettings::default(), GroupBy::Format);
        let keys: Vec<&str> = b.rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, vec!["video", "image"]);
        let rest = b.not_allocated.as_ref().unwrap();
        // Retainer 3,100 + summer boost 300; o3 (no note) + o4 (campaign).
        assert_eq!(rest.cost_total, 3400.0);
        assert_eq!(rest.revenue, 150.0);
        let image = find(&b, "image");
        assert_eq!(image.figures.impressions, 2400.0);
        assert_eq!(image.figures.notes, 2.0);
    }

    #[test]
    fn by_campaign_campaign_level_costs_and_orders_count() {
        let b = run(&RoiSettings::default(), GroupBy::Campaign);
        let summer = find(&b, "summer");
        assert_eq!(summer.figures.cost_total, 300.0);
        assert_eq!(summer.figures.revenue, 50.0);
        let spring = find(&b, "spring");
        assert_eq!(spring.figures.cost_total, 1196.0);
        assert_eq!(spring.figures.revenue, 500.0);
    }

    #[test]
    fn note_rows_have_their_attributes_and_a_note_without_cost_has_no_roi() {
        let b = run(&RoiSettings::default(), GroupBy::Note);
        let n3 = find(&b, "n3");
        assert_eq!(n3.title.as_deref(), Some("Summer routine"));
        assert_eq!(n3.format.as_deref(), Some("image"));
        assert_eq!(n3.account.as_deref(), Some("Brand"));
        assert_eq!(n3.published, Some(day(3, 10)));
        assert_eq!(n3.figures.cost_total, 0.0);
        assert_eq!(n3.figures.roi, None);
        let n2 = find(&b, "n2");
        assert_eq!(n2.figures.roi, Some(0.25));
    }

    #[test]
    fn tiers_group_creators_by_followers() {
        let b = run(&RoiSettings::default(), GroupBy::Tier);
        assert_eq!(find(&b, "mid").figures.cost_total, 1100.0);
        assert_eq!(find(&b, "koc").figures.cost_total, 96.0);
        assert_eq!(find(&b, "brand").figures.impressions, 400.0);
        // Lower the micro threshold under Coco's 3,000: she becomes micro.
        let mut settings = RoiSettings::default();
        settings.tiers.micro = 1_000.0;
        let b = run(&settings, GroupBy::Tier);
        assert_eq!(find(&b, "micro").figures.cost_total, 96.0);
    }

    #[test]
    fn a_period_limits_the_rows_to_groups_with_something_in_it() {
        let settings = RoiSettings {
            range: DateRange::between(day(3, 10), day(3, 12)),
            ..RoiSettings::default()
        };
        let b = run(&settings, GroupBy::Note);
        let keys: Vec<&str> = b.rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, vec!["n3"]);
    }

    #[test]
    fn rankings_order_rows_by_roi_and_engagement() {
        let b = run(&RoiSettings::default(), GroupBy::Note);
        let r = rank(&b, 2, 100.0);
        // n2: ROI 0.25; n1: (180 - 1,100) / 1,100; n3 has no cost.
        let keys = |rows: &[BreakdownRow]| rows.iter().map(|r| r.key.clone()).collect::<Vec<_>>();
        assert_eq!(keys(&r.top_by_roi), vec!["n2", "n1"]);
        assert_eq!(keys(&r.bottom_by_roi), vec!["n1", "n2"]);
        // n3 has 40 views (< 100): out. n1 10%, n2 10%: tie broken by key.
        assert_eq!(keys(&r.top_by_engagement), vec!["n1", "n2"]);
        let all = rank(&b, 5, 0.0);
        assert_eq!(all.top_by_engagement[0].key, "n1");
        assert_eq!(all.top_by_engagement.len(), 3);
    }

    #[test]
    fn kol_csv_has_a_header_rows_and_totals_and_defuses_formulas() {
        let mut data = sample();
        data.kols = Some(super::super::tests::table(
            "account,followers,tier,promo_code\n\
             Luna,60000,mid,XHS001\n\
             Coco,3000,koc,XHS002\n\
             =HYPERLINK(\"x\"),10,,\n",
        ));
        let mut settings = RoiSettings::default();
        settings.manual_costs.push(super::super::CostEntry {
            account: Some("=HYPERLINK(\"x\")".into()),
            ..super::super::CostEntry::new(CostCategory::Kol, 10.0)
        });
        let b = breakdown(&Prepared::new(&data, &settings), &settings, GroupBy::Kol);
        let csv = b.csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].starts_with("account,tier,followers,notes,impressions"));
        assert!(
            csv.contains("\"'=HYPERLINK(\"\"x\"\")\",koc,10,0,"),
            "{csv}"
        );
        assert!(lines.last().unwrap().starts_with("(total),,,3,3900,"));
        assert!(csv.contains("\n(not allocated),"));
        // Luna's net profit is negative and stays a number.
        assert!(csv.contains(",-920,"), "{csv}");
    }
}
