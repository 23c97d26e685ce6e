//! The headline report: platform KPIs, the cost ledger by category, and
//! direct return on Xiaohongshu-sourced orders. Definitions follow
//! `domain.md`; each is a plain function of sums so it can be tested by hand.

use serde::{Deserialize, Serialize, Serializer};

use crate::schema::CostCategory;
use crate::table::Table;

/// The tables one report is computed from. Any may be absent.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub notes: Option<Table>,
    pub costs: Option<Table>,
    pub orders: Option<Table>,
    /// "How did you hear about us?" answers, shown beside attribution.
    pub surveys: Option<Table>,
    /// Creators: followers and tier for the KOL view, promo codes for
    /// crediting orders (see `roi`). The headline [`Kpis`] do not use it.
    pub kols: Option<Table>,
}

/// Settings that change the report's numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportSettings {
    /// Gross margin as a fraction of revenue (0.6 = 60%).
    pub margin: f64,
    /// How an order is recognised as coming from Xiaohongshu.
    pub source_rules: SourceRules,
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings {
            margin: DEFAULT_MARGIN,
            source_rules: SourceRules::default(),
        }
    }
}

/// Gross margin assumed until the user sets one: typical for skincare DTC.
pub const DEFAULT_MARGIN: f64 = 0.6;

/// Rules that credit an order to Xiaohongshu directly (before any attribution
/// model): a tagged link, a platform promo code, a dedicated landing page or
/// a QR code printed in a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceRules {
    /// `utm_source` values (compared ignoring case and punctuation).
    pub utm_sources: Vec<String>,
    /// Promo codes starting with one of these prefixes.
    pub promo_prefixes: Vec<String>,
    /// Landing pages containing one of these fragments.
    pub landing_fragments: Vec<String>,
    /// QR code ids starting with one of these prefixes.
    pub qr_prefixes: Vec<String>,
}

impl Default for SourceRules {
    fn default() -> Self {
        let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
        SourceRules {
            utm_sources: strings(&["xiaohongshu", "xhs", "redbook", "rednote", "小红书", "red"]),
            promo_prefixes: strings(&["XHS"]),
            landing_fragments: strings(&["/xhs"]),
            qr_prefixes: strings(&["XHS"]),
        }
    }
}

impl SourceRules {
    fn source_matches(&self, source: &str) -> bool {
        let key = crate::schema::normalize_header(source);
        self.utm_sources
            .iter()
            .any(|s| crate::schema::normalize_header(s) == key)
    }

    /// Which orders the rules credit to Xiaohongshu.
    pub fn matching_orders(&self, orders: &Table) -> Vec<bool> {
        let mut matched = vec![false; orders.rows];
        let mut mark = |field: &str, test: &dyn Fn(&str) -> bool| {
            if let Some(column) = orders.text(field) {
                let hits: Vec<bool> = column.dictionary().iter().map(test).collect();
                for (m, &code) in matched.iter_mut().zip(column.codes()) {
                    if code != crate::table::MISSING_TEXT && hits[code as usize] {
                        *m = true;
                    }
                }
            }
        };
        let upper_prefix = |prefixes: &[String], value: &str| {
            let value = value.to_uppercase();
            prefixes
                .iter()
                .any(|p| !p.is_empty() && value.starts_with(&p.to_uppercase()))
        };
        mark("utm_source", &|v| self.source_matches(v));
        mark("promo_code", &|v| upper_prefix(&self.promo_prefixes, v));
        mark("qr_code", &|v| upper_prefix(&self.qr_prefixes, v));
        mark("landing_page", &|v| {
            let v = v.to_lowercase();
            self.landing_fragments
                .iter()
                .any(|f| !f.is_empty() && v.contains(&f.to_lowercase()))
        });
        matched
    }
}

/// Marketing cost per category, in the ledger's currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct CostByCategory {
    pub content: f64,
    pub kol: f64,
    pub paid: f64,
    pub agency: f64,
    pub technology: f64,
}

impl CostByCategory {
    pub fn get(&self, category: CostCategory) -> f64 {
        match category {
            CostCategory::Content => self.content,
            CostCategory::Kol => self.kol,
            CostCategory::Paid => self.paid,
            CostCategory::Agency => self.agency,
            CostCategory::Technology => self.technology,
        }
    }

    pub(crate) fn add(&mut self, category: CostCategory, amount: f64) {
        let slot = match category {
            CostCategory::Content => &mut self.content,
            CostCategory::Kol => &mut self.kol,
            CostCategory::Paid => &mut self.paid,
            CostCategory::Agency => &mut self.agency,
            CostCategory::Technology => &mut self.technology,
        };
        *slot += amount;
    }

    pub fn total(&self) -> f64 {
        CostCategory::ALL.iter().map(|&c| self.get(c)).sum()
    }
}

/// The headline figures. Rates and ROI are fractions (0.25 = 25%); a ratio
/// whose denominator is zero is `None` (shown as "—", never as 0 or ∞).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kpis {
    #[serde(serialize_with = "whole")]
    pub impressions: f64,
    #[serde(serialize_with = "whole")]
    pub views: f64,
    #[serde(serialize_with = "whole")]
    pub likes: f64,
    #[serde(serialize_with = "whole")]
    pub saves: f64,
    #[serde(serialize_with = "whole")]
    pub comments: f64,
    #[serde(serialize_with = "whole")]
    pub shares: f64,
    /// likes + saves + comments (the platform's 互动量).
    #[serde(serialize_with = "whole")]
    pub interactions: f64,
    pub engagement_rate: Option<f64>,
    pub save_rate: Option<f64>,
    pub cpe: Option<f64>,
    pub cpv: Option<f64>,
    pub cpm: Option<f64>,
    pub cost_total: f64,
    pub cost_by_category: CostByCategory,
    /// Revenue of orders credited to Xiaohongshu.
    pub revenue: f64,
    pub orders: u64,
    pub aov: Option<f64>,
    pub roas: Option<f64>,
    pub net_profit: f64,
    pub roi: Option<f64>,
}

/// Writes a whole number without a fraction (`1234`, not `1234.0`).
fn whole<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.fract() == 0.0 && value.abs() < 9.0e15 {
        serializer.serialize_i64(*value as i64)
    } else {
        serializer.serialize_f64(*value)
    }
}

/// `numerator / denominator`, or `None` when the denominator is zero or
/// either is missing (NaN): a ratio of something unknown is unknown.
pub fn ratio(numerator: f64, denominator: f64) -> Option<f64> {
    (denominator != 0.0)
        .then(|| numerator / denominator)
        .filter(|r| !r.is_nan())
}

impl Kpis {
    pub fn compute(data: &Dataset, settings: &ReportSettings) -> Kpis {
        let sum = |field: &str| data.notes.as_ref().map_or(0.0, |t| t.sum(field));
        let (impressions, views) = (sum("impressions"), sum("views"));
        let (likes, saves, comments, shares) =
            (sum("likes"), sum("saves"), sum("comments"), sum("shares"));
        let interactions = likes + saves + comments;

        let cost_by_category = data
            .costs
            .as_ref()
            .map(costs_by_category)
            .unwrap_or_default();
        let cost_total = cost_by_category.total();

        let (revenue, orders) = data
            .orders
            .as_ref()
            .map(|t| xiaohongshu_revenue(t, &settings.source_rules))
            .unwrap_or((0.0, 0));
        let net_profit = revenue * settings.margin - cost_total;

        Kpis {
            impressions,
            views,
            likes,
            saves,
            comments,
            shares,
            interactions,
            engagement_rate: ratio(interactions, views),
            save_rate: ratio(saves, views),
            cpe: ratio(cost_total, interactions),
            cpv: ratio(cost_total, views),
            cpm: ratio(cost_total * 1000.0, impressions),
            cost_total,
            cost_by_category,
            revenue,
            orders,
            aov: ratio(revenue, orders as f64),
            roas: ratio(revenue, cost_total),
            net_profit,
            roi: ratio(net_profit, cost_total),
        }
    }
}

/// Sums the ledger by category; rows without an amount count nothing.
pub fn costs_by_category(costs: &Table) -> CostByCategory {
    let mut out = CostByCategory::default();
    let (Some(categories), Some(amounts)) = (costs.text("category"), costs.numbers("amount"))
    else {
        return out;
    };
    let parsed: Vec<Option<CostCategory>> = categories
        .dictionary()
        .iter()
        .map(CostCategory::parse)
        .collect();
    for (&code, &amount) in categories.codes().iter().zip(amounts) {
        if amount.is_nan() || code == crate::table::MISSING_TEXT {
            continue;
        }
        if let Some(category) = parsed[code as usize] {
            out.add(category, amount);
        }
    }
    out
}

/// Revenue and count of the orders the rules credit to Xiaohongshu.
pub fn xiaohongshu_revenue(orders: &Table, rules: &SourceRules) -> (f64, u64) {
    let matched = rules.matching_orders(orders);
    let revenue = orders.numbers("revenue").unwrap_or(&[]);
    let mut total = 0.0;
    let mut count = 0;
    for (&m, &r) in matched.iter().zip(revenue) {
        if m && !r.is_nan() {
            total += r;
            count += 1;
        }
    }
    (total, count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{import, ImportOptions};

    fn table(text: &str) -> Table {
        import("t.csv", text.as_bytes(), &ImportOptions::default())
            .unwrap()
            .table
    }

    fn demo_like() -> Dataset {
        Dataset {
            notes: Some(table(
                "note_id,date,impressions,views,likes,saves,comments,shares\n\
                 n1,2026-03-02,10000,1000,60,30,10,5\n\
                 n2,2026-03-09,5000,500,20,15,5,0\n",
            )),
            costs: Some(table(
                "date,category,amount\n2026-03-01,kol,1000\n2026-03-01,content,500\n2026-03-05,paid,300\n2026-03-05,agency,150\n2026-03-05,technology,50\n",
            )),
            orders: Some(table(
                "order_id,time,revenue,utm_source,promo_code\n\
                 o1,2026-03-03,300,xiaohongshu,\n\
                 o2,2026-03-04,200,,XHS10\n\
                 o3,2026-03-04,999,tmall,\n",
            )),
            ..Dataset::default()
        }
    }

    #[test]
    fn kpis_match_hand_computed_values() {
        let k = Kpis::compute(&demo_like(), &ReportSettings::default());
        // interactions = (60+30+10) + (20+15+5) = 140; views = 1500.
        assert_eq!(k.interactions, 140.0);
        assert_eq!(k.engagement_rate, Some(140.0 / 1500.0));
        assert_eq!(k.save_rate, Some(45.0 / 1500.0));
        // cost = 1000 + 500 + 300 + 150 + 50 = 2000.
        assert_eq!(k.cost_total, 2000.0);
        assert_eq!(k.cost_by_category.kol, 1000.0);
        assert_eq!(k.cpe, Some(2000.0 / 140.0));
        assert_eq!(k.cpv, Some(2000.0 / 1500.0));
        assert_eq!(k.cpm, Some(2000.0 * 1000.0 / 15_000.0));
        // Only o1 (utm) and o2 (promo code) are Xiaohongshu's: 500 revenue.
        assert_eq!(k.revenue, 500.0);
        assert_eq!(k.orders, 2);
        assert_eq!(k.aov, Some(250.0));
        assert_eq!(k.roas, Some(0.25));
        // net = 500 x 0.6 - 2000 = -1700; ROI = -0.85.
        assert_eq!(k.net_profit, -1700.0);
        assert_eq!(k.roi, Some(-0.85));
    }

    #[test]
    fn zero_denominators_give_none_not_zero_or_infinity() {
        let k = Kpis::compute(&Dataset::default(), &ReportSettings::default());
        assert_eq!(k.engagement_rate, None);
        assert_eq!(k.cpe, None);
        assert_eq!(k.roas, None);
        assert_eq!(k.roi, None);
        assert_eq!(k.aov, None);
        assert_eq!(k.net_profit, 0.0);
    }

    #[test]
    fn margin_setting_changes_net_profit_and_roi() {
        let settings = ReportSettings {
            margin: 0.5,
            ..ReportSettings::default()
        };
        let k = Kpis::compute(&demo_like(), &settings);
        assert_eq!(k.net_profit, 250.0 - 2000.0);
        assert_eq!(k.roi, Some(-1750.0 / 2000.0));
    }

    #[test]
    fn json_writes_counts_as_integers_and_missing_ratios_as_null() {
        let k = Kpis::compute(&demo_like(), &ReportSettings::default());
        let json = serde_json::to_value(&k).unwrap();
        assert_eq!(json["impressions"], serde_json::json!(15000));
        assert_eq!(json["cost_by_category"]["paid"], serde_json::json!(300.0));
        let empty = serde_json::to_value(Kpis::compute(
            &Dataset::default(),
            &ReportSettings::default(),
        ))
        .unwrap();
        assert!(empty["cpe"].is_null());
    }

    #[test]
    fn landing_pages_and_qr_codes_also_credit_xiaohongshu() {
        let orders = table(
            "order_id,time,revenue,landing_page,qr_code\n\
             o1,2026-03-03,100,https://shop.example/xhs/spring,\n\
             o2,2026-03-03,100,,xhs-qr-07\n\
             o3,2026-03-03,100,https://shop.example/home,WX-1\n",
        );
        assert_eq!(
            xiaohongshu_revenue(&orders, &SourceRules::default()),
            (200.0, 2)
        );
    }
}
