//! The figures of one period (or one breakdown row): reach, engagement,
//! cost, direct return, brand value, customer value and the blend, and the
//! report that sets a period beside the previous one and a baseline.
//! Every formula is a small function here, tested by hand below.

use serde::Serialize;

use super::objective::{lead_kpis, KpiId, KpiUnit, Objective};
use super::period::Period;
use super::prepared::{Metric, Prepared};
use super::settings::{BlendWeights, ClvParams, Currency, MarginRule, RoiSettings};
use super::tally::{Context, Tally};
use crate::report::{ratio, CostByCategory, Kpis};
use crate::schema::CostCategory;

/// Gross profit of orders: revenue - COGS for orders that give COGS (when
/// the rule uses them), revenue x margin rate for the rest.
pub fn gross_profit(revenue: f64, cogs_revenue: f64, cogs: f64, rule: &MarginRule) -> f64 {
    if rule.use_order_cogs {
        (cogs_revenue - cogs) + (revenue - cogs_revenue) * rule.rate
    } else {
        revenue * rule.rate
    }
}

/// Lifetime gross profit of one customer: `AOV x margin x purchases per
/// year x years`, or with retention r and discount d `AOV x margin x
/// purchases per year x r / (1 + d - r)`. `None` without an AOV.
pub fn customer_lifetime_value(aov: Option<f64>, margin: f64, clv: &ClvParams) -> Option<f64> {
    let per_year = aov? * margin * clv.purchases_per_year;
    Some(match clv.retention {
        Some(r) => per_year * r / (1.0 + clv.discount - r),
        None => per_year * clv.years,
    })
}

/// What new customers are worth beyond their first orders: `new customers
/// x CLV - the gross profit of those first orders` (already in direct
/// profit, so not counted twice); never below 0.
pub fn future_value(new_customers: f64, clv: Option<f64>, first_order_profit: f64) -> f64 {
    clv.map_or(0.0, |clv| {
        (new_customers * clv - first_order_profit).max(0.0)
    })
}

/// `direct net profit + w_b x EMV + w_c x future value`. A part weighted 0
/// adds nothing, even one the files cannot tell (no notes: no EMV).
pub fn blended_return(
    direct_net_profit: f64,
    emv: f64,
    future_value: f64,
    weights: &BlendWeights,
) -> f64 {
    let part = |weight: f64, value: f64| if weight == 0.0 { 0.0 } else { weight * value };
    direct_net_profit + part(weights.brand, emv) + part(weights.future, future_value)
}

/// `(direct net profit + w_b x EMV + w_c x future value) / cost`.
pub fn blended_roi(
    direct_net_profit: f64,
    emv: f64,
    future_value: f64,
    weights: &BlendWeights,
    cost: f64,
) -> Option<f64> {
    ratio(
        blended_return(direct_net_profit, emv, future_value, weights),
        cost,
    )
}

/// The blended return and its three parts, always shown apart too.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Returns {
    /// Gross profit of credited orders - cost.
    pub direct_net_profit: f64,
    /// Earned media value.
    pub emv: f64,
    /// New customers' lifetime value beyond their first orders.
    pub future_value: f64,
    pub weight_brand: f64,
    pub weight_future: f64,
    /// direct + weight_brand x EMV + weight_future x future value.
    pub blended_total: f64,
    pub blended_roi: Option<f64>,
}

/// Every figure of one period or group. Money is in the settings' currency;
/// rates and ROI are fractions; a ratio over zero is `None`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// Notes with rows (or published) in the period.
    pub notes: f64,
    /// Notes published in the period (brand mentions).
    pub brand_mentions: f64,
    /// Of those, notes by creators (not the brand's own accounts).
    pub ugc_notes: f64,
    pub impressions: f64,
    pub views: f64,
    pub likes: f64,
    pub saves: f64,
    pub comments: f64,
    pub shares: f64,
    /// likes + saves + comments.
    pub interactions: f64,
    pub new_followers: f64,
    /// NaN when the notes have no product-click column.
    pub product_clicks: f64,
    /// NaN when the notes have no search-view column.
    pub search_views: f64,
    /// NaN when the notes have no discovery-view column.
    pub discovery_views: f64,
    pub cover_ctr: Option<f64>,
    pub engagement_rate: Option<f64>,
    pub save_rate: Option<f64>,
    pub ecommerce_ctr: Option<f64>,
    pub conversion_rate: Option<f64>,
    pub search_share: Option<f64>,
    pub follower_growth_rate: Option<f64>,
    /// NaN when no cost is loaded or entered (and then so is every figure
    /// built on it: net profit, the cost ratios, ROAS, ROI, the blend).
    pub cost_total: f64,
    pub cost_by_category: CostByCategory,
    /// KOL cost by pay kind.
    pub kol_pay: super::ledger::PayKindCosts,
    pub cpe: Option<f64>,
    pub cpv: Option<f64>,
    pub cpm: Option<f64>,
    pub cpc: Option<f64>,
    pub cpa: Option<f64>,
    /// Revenue of credited Xiaohongshu orders; NaN when no orders are
    /// loaded (and then so are gross and net profit, future value, ROAS,
    /// ROI and the blend).
    pub revenue: f64,
    /// Credited orders (fractions where an order is shared among notes);
    /// NaN when no orders are loaded.
    pub orders: f64,
    /// `None` when the orders say nothing about new customers.
    pub new_customers: Option<f64>,
    pub gross_profit: f64,
    pub aov: Option<f64>,
    pub roas: Option<f64>,
    pub net_profit: f64,
    pub roi: Option<f64>,
    /// Lifetime value of one customer.
    pub clv: Option<f64>,
    pub returns: Returns,
}

/// What the loaded files can tell. A figure they cannot is missing (NaN
/// for a count, `None` for a ratio), never zero: a notes export without a
/// product-click column says nothing about clicks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Known {
    /// A notes table is loaded: without one, what the notes reached and
    /// earned is unknown (not nothing).
    pub notes: bool,
    /// The orders say which are new customers' (a flag or customer ids).
    pub new_customers: bool,
    /// The notes have a product-click column.
    pub product_clicks: bool,
    /// The notes have search-view and discovery-view columns (exports
    /// without the traffic-source breakdown have neither).
    pub search_views: bool,
    pub discovery_views: bool,
    /// Orders are loaded, with their times and revenue.
    pub orders: bool,
    /// A cost is loaded or entered by hand: without one, what was spent
    /// is unknown (not nothing), and so is every figure built on it.
    pub costs: bool,
}

impl Known {
    #[cfg(test)]
    pub(crate) const ALL: Known = Known {
        notes: true,
        new_customers: true,
        product_clicks: true,
        search_views: true,
        discovery_views: true,
        orders: true,
        costs: true,
    };
}

impl Figures {
    pub(crate) fn new(t: &Tally, s: &RoiSettings, known: Known) -> Figures {
        let money = |cny: f64| s.currency.from_cny(cny);
        // What the files cannot tell is NaN, which flows through every sum
        // and ratio built on it (see `ratio`): missing, never zero.
        let or_missing = |known: bool, value: f64| if known { value } else { f64::NAN };
        let m = |metric: Metric| or_missing(known.notes, t.metric(metric));
        let (impressions, views) = (m(Metric::Impressions), m(Metric::Views));
        let (likes, saves, comments) = (m(Metric::Likes), m(Metric::Saves), m(Metric::Comments));
        let interactions = likes + saves + comments;
        let emv = or_missing(known.notes, t.emv);
        let search = or_missing(known.search_views, m(Metric::SearchViews));
        let discovery = or_missing(known.discovery_views, m(Metric::DiscoveryViews));
        let clicks = or_missing(known.product_clicks, m(Metric::ProductClicks));
        let c = &t.credit;
        let orders = or_missing(known.orders, c.orders);
        let cost = or_missing(known.costs, t.cost.total());
        let revenue = or_missing(known.orders, c.revenue);
        let profit = or_missing(
            known.orders,
            gross_profit(c.revenue, c.cogs_revenue, c.cogs, &s.margin),
        );
        let first_order_profit =
            gross_profit(c.new_revenue, c.new_cogs_revenue, c.new_cogs, &s.margin);
        // The margin CLV uses: what these orders earned, else the setting.
        let margin = ratio(profit, c.revenue).unwrap_or(s.margin.rate);
        let aov = ratio(c.revenue, c.orders);
        let clv = customer_lifetime_value(aov, margin, &s.clv);
        let new_customers = known.new_customers.then_some(c.new_customers);
        let future = or_missing(
            known.orders,
            future_value(c.new_customers, clv, first_order_profit),
        );
        let net_profit = profit - cost;
        let returns = Returns {
            direct_net_profit: money(net_profit),
            emv: money(emv),
            future_value: money(future),
            weight_brand: s.weights.brand,
            weight_future: s.weights.future,
            blended_total: money(blended_return(net_profit, emv, future, &s.weights)),
            blended_roi: blended_roi(net_profit, emv, future, &s.weights, cost),
        };
        let mut cost_by_category = CostByCategory::default();
        for category in CostCategory::ALL {
            let amount = or_missing(known.costs, t.cost.get(category));
            cost_by_category.add(category, money(amount));
        }
        Figures {
            notes: or_missing(known.notes, t.notes),
            brand_mentions: or_missing(known.notes, t.published),
            ugc_notes: or_missing(known.notes, t.ugc),
            impressions,
            views,
            likes,
            saves,
            comments,
            shares: m(Metric::Shares),
            interactions,
            new_followers: m(Metric::NewFollowers),
            product_clicks: clicks,
            search_views: search,
            discovery_views: discovery,
            cover_ctr: ratio(views, impressions),
            engagement_rate: ratio(interactions, views),
            save_rate: ratio(saves, views),
            ecommerce_ctr: ratio(clicks, views),
            conversion_rate: ratio(orders, views),
            search_share: ratio(search, search + discovery),
            follower_growth_rate: (t.follower_accounts > 0.0)
                .then(|| ratio(t.new_followers_of_known, t.followers_at_start))
                .flatten(),
            cost_total: money(cost),
            cost_by_category,
            kol_pay: t
                .kol_pay
                .scaled(or_missing(known.costs, 1.0 / s.currency.cny_per_unit)),
            cpe: ratio(money(cost), interactions),
            cpv: ratio(money(cost), views),
            cpm: ratio(money(cost) * 1000.0, impressions),
            cpc: ratio(money(cost), clicks),
            cpa: new_customers.and_then(|n| ratio(money(cost), n)),
            revenue: money(revenue),
            orders,
            new_customers,
            gross_profit: money(profit),
            aov: aov.map(money),
            roas: ratio(revenue, cost),
            net_profit: money(net_profit),
            roi: ratio(net_profit, cost),
            clv: clv.map(money),
            returns,
        }
    }

    /// The value of a KPI card in these figures. [`KpiId::ImpressionsGrowth`]
    /// needs the previous period: see [`RoiReport::value`].
    pub fn value(&self, id: KpiId) -> Option<f64> {
        use KpiId::*;
        Some(match id {
            Impressions => self.impressions,
            Views => self.views,
            CoverCtr => return self.cover_ctr,
            Interactions => self.interactions,
            Likes => self.likes,
            Saves => self.saves,
            Comments => self.comments,
            Shares => self.shares,
            EngagementRate => return self.engagement_rate,
            SaveRate => return self.save_rate,
            NewFollowers => self.new_followers,
            FollowerGrowthRate => return self.follower_growth_rate,
            SearchViews => self.search_views,
            SearchShare => return self.search_share,
            BrandMentions => self.brand_mentions,
            UgcNotes => self.ugc_notes,
            ProductClicks => self.product_clicks,
            EcommerceCtr => return self.ecommerce_ctr,
            Orders => self.orders,
            ConversionRate => return self.conversion_rate,
            NewCustomers => return self.new_customers,
            Cpa => return self.cpa,
            Aov => return self.aov,
            Revenue => self.revenue,
            Roas => return self.roas,
            GrossProfit => self.gross_profit,
            NetProfit => self.net_profit,
            Roi => return self.roi,
            CostTotal => self.cost_total,
            CostContent => self.cost_by_category.content,
            CostKol => self.cost_by_category.kol,
            CostPaid => self.cost_by_category.paid,
            CostAgency => self.cost_by_category.agency,
            CostTechnology => self.cost_by_category.technology,
            Cpe => return self.cpe,
            Cpv => return self.cpv,
            Cpm => return self.cpm,
            Cpc => return self.cpc,
            Emv => self.returns.emv,
            Clv => return self.clv,
            FutureValue => self.returns.future_value,
            BlendedRoi => return self.returns.blended_roi,
            ImpressionsGrowth | CommentSentiment | CommentThemes | KeywordPerformance
            | AudienceAlignment => return None,
        })
        // Missing (NaN) when the files cannot tell: no cost loaded, no
        // product-click or search column, no orders.
        .filter(|v| !v.is_nan())
    }
}

/// A change between two values of one KPI.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Change {
    /// now - then (for rates: fraction points).
    pub absolute: f64,
    /// (now - then) / |then|; `None` when then is 0.
    pub relative: Option<f64>,
}

impl Change {
    pub fn between(now: Option<f64>, then: Option<f64>) -> Option<Change> {
        let (now, then) = (now?, then?);
        Some(Change {
            absolute: now - then,
            relative: ratio(now - then, then.abs()),
        })
    }
}

/// One KPI card: its value now, in the previous period and the baseline,
/// and the changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Card {
    pub id: KpiId,
    pub unit: KpiUnit,
    pub value: Option<f64>,
    pub previous: Option<f64>,
    pub baseline: Option<f64>,
    pub vs_previous: Option<Change>,
    pub vs_baseline: Option<Change>,
}

/// The ROI view of one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoiReport {
    pub objective: Objective,
    pub lead_kpis: Vec<KpiId>,
    pub currency: Currency,
    pub period: Period,
    /// False when no note, cost or order carries a date and the range
    /// leaves an end open: `period` is then a placeholder, not a span to
    /// show.
    pub dated: bool,
    /// The period of equal length before; `None` when all data is reported.
    pub previous_period: Option<Period>,
    pub baseline_period: Option<Period>,
    pub current: Figures,
    pub previous: Option<Figures>,
    pub baseline: Option<Figures>,
    /// Every card, the objective's leading ones first.
    pub cards: Vec<Card>,
    /// Cost entries in a currency neither CNY nor the report's, counted as
    /// CNY.
    pub unconverted_cost_entries: usize,
}

impl RoiReport {
    /// The current value of a KPI (impressions growth against the previous
    /// period included).
    pub fn value(&self, id: KpiId) -> Option<f64> {
        self.card(id).and_then(|c| c.value)
    }

    pub fn card(&self, id: KpiId) -> Option<&Card> {
        self.cards.iter().find(|c| c.id == id)
    }

    /// The cards as CSV: one row per computed KPI with its previous and
    /// baseline values and changes (formula-safe, see [`crate::csv_out`]).
    pub fn cards_csv(&self) -> String {
        use crate::csv_out::{write_table, Cell};
        let change = |c: Option<Change>| {
            (
                Cell::from(c.map(|c| c.absolute)),
                Cell::from(c.and_then(|c| c.relative)),
            )
        };
        let rows = self.cards.iter().filter(|c| c.id.is_computed()).map(|c| {
            let (prev_abs, prev_rel) = change(c.vs_previous);
            let (base_abs, base_rel) = change(c.vs_baseline);
            vec![
                Cell::from(c.id.name()),
                Cell::from(c.value),
                Cell::from(c.previous),
                prev_abs,
                prev_rel,
                Cell::from(c.baseline),
                base_abs,
                base_rel,
            ]
        });
        write_table(
            &[
                "kpi",
                "value",
                "previous",
                "change_vs_previous",
                "relative_change_vs_previous",
                "baseline",
                "change_vs_baseline",
                "relative_change_vs_baseline",
            ],
            rows,
        )
    }

    /// The headline figures in the shape of [`crate::Kpis`] (the keys
    /// `xhs-roi report --json` has always had).
    pub fn kpis(&self) -> Kpis {
        let f = &self.current;
        Kpis {
            impressions: f.impressions,
            views: f.views,
            likes: f.likes,
            saves: f.saves,
            comments: f.comments,
            shares: f.shares,
            interactions: f.interactions,
            engagement_rate: f.engagement_rate,
            save_rate: f.save_rate,
            cpe: f.cpe,
            cpv: f.cpv,
            cpm: f.cpm,
            cost_total: f.cost_total,
            cost_by_category: f.cost_by_category,
            revenue: f.revenue,
            orders: f.orders.round().max(0.0) as u64,
            aov: f.aov,
            roas: f.roas,
            net_profit: f.net_profit,
            roi: f.roi,
        }
    }
}

/// Figures of one period under the settings' filters.
pub(crate) fn figures(ctx: &Context<'_>, period: &Period) -> Figures {
    let mut tally = Tally::default();
    ctx.walk(period, &mut |_, item| tally.add(&item));
    Figures::new(&tally, ctx.s, ctx.known())
}

/// The ROI view: the settings' period with its previous period and
/// baseline, every KPI card with its changes. O(notes + cost entries +
/// order aggregates) per period.
pub fn report(prepared: &Prepared, settings: &RoiSettings) -> RoiReport {
    let ctx = Context::new(prepared, settings);
    let period = Period::resolve(&settings.range, prepared.span());
    let previous_period = (!period.all).then(|| period.previous());
    let baseline_period = settings
        .baseline
        .as_ref()
        .map(|b| Period::resolve(b, prepared.span()));
    let current = figures(&ctx, &period);
    let previous = previous_period.map(|p| figures(&ctx, &p));
    let baseline = baseline_period.map(|p| figures(&ctx, &p));

    let lead = lead_kpis(settings.objective);
    let order = lead
        .iter()
        .copied()
        .chain(KpiId::ALL.into_iter().filter(|id| !lead.contains(id)));
    let growth = previous
        .as_ref()
        .and_then(|p| Change::between(Some(current.impressions), Some(p.impressions)))
        .and_then(|c| c.relative);
    let cards = order
        .map(|id| {
            let of = |f: Option<&Figures>| {
                if id == KpiId::ImpressionsGrowth {
                    None
                } else {
                    f.and_then(|f| f.value(id))
                }
            };
            let value = if id == KpiId::ImpressionsGrowth {
                growth
            } else {
                current.value(id)
            };
            let (prev, base) = (of(previous.as_ref()), of(baseline.as_ref()));
            Card {
                id,
                unit: id.unit(),
                value,
                previous: prev,
                baseline: base,
                vs_previous: Change::between(value, prev),
                vs_baseline: Change::between(value, base),
            }
        })
        .collect();
    RoiReport {
        objective: settings.objective,
        lead_kpis: lead.to_vec(),
        currency: settings.currency.clone(),
        period,
        dated: prepared.span().is_some()
            || (settings.range.from.is_some() && settings.range.to.is_some()),
        previous_period,
        baseline_period,
        current,
        previous,
        baseline,
        cards,
        unconverted_cost_entries: ctx.unconverted,
    }
}

#[cfg(test)]
mod tests {
    use super::super::prepared::OrderSums;
    use super::*;

    const NO_NEW_CUSTOMERS: Known = Known {
        new_customers: false,
        ..Known::ALL
    };

    fn order_sums(revenue: f64, orders: f64) -> OrderSums {
        OrderSums {
            revenue,
            orders,
            ..OrderSums::default()
        }
    }

    const NO_COGS: MarginRule = MarginRule {
        rate: 0.6,
        use_order_cogs: true,
    };

    #[test]
    fn gross_profit_uses_cogs_where_given_and_the_margin_elsewhere() {
        // 1,000 revenue, 400 of it from orders with 150 COGS:
        // (400 - 150) + 600 x 0.6 = 250 + 360 = 610.
        assert_eq!(gross_profit(1000.0, 400.0, 150.0, &NO_COGS), 610.0);
        let margin_only = MarginRule {
            use_order_cogs: false,
            ..NO_COGS
        };
        assert_eq!(gross_profit(1000.0, 400.0, 150.0, &margin_only), 600.0);
        // No COGS anywhere: the margin alone.
        assert_eq!(gross_profit(1000.0, 0.0, 0.0, &NO_COGS), 600.0);
    }

    #[test]
    fn clv_simple_form_is_aov_margin_purchases_years() {
        let p = ClvParams {
            purchases_per_year: 2.0,
            years: 3.0,
            retention: None,
            discount: 0.1,
        };
        // 300 x 0.5 x 2 x 3 = 900.
        assert_eq!(customer_lifetime_value(Some(300.0), 0.5, &p), Some(900.0));
        assert_eq!(customer_lifetime_value(None, 0.5, &p), None);
    }

    #[test]
    fn clv_retention_form_is_margin_per_year_times_r_over_one_plus_d_minus_r() {
        let p = ClvParams {
            purchases_per_year: 2.0,
            years: 99.0,
            retention: Some(0.6),
            discount: 0.1,
        };
        // per year 300 x 0.5 x 2 = 300; x 0.6 / (1 + 0.1 - 0.6) = x 1.2 = 360.
        let clv = customer_lifetime_value(Some(300.0), 0.5, &p).unwrap();
        assert!((clv - 360.0).abs() < 1e-9, "{clv}");
    }

    #[test]
    fn blended_roi_excludes_first_order_margin_from_future_value() {
        // 10 new customers, CLV 900 each, first orders earned 1,500 gross
        // profit (already in direct profit): future value 9,000 - 1,500.
        let future = future_value(10.0, Some(900.0), 1500.0);
        assert_eq!(future, 7500.0);
        let w = BlendWeights {
            brand: 0.5,
            future: 1.0,
        };
        // (direct -2,000 + 0.5 x 4,000 + 7,500) / 5,000 = 7,500 / 5,000.
        assert_eq!(blended_roi(-2000.0, 4000.0, future, &w, 5000.0), Some(1.5));
    }

    #[test]
    fn future_value_is_never_negative_and_zero_without_clv() {
        assert_eq!(future_value(2.0, Some(100.0), 500.0), 0.0);
        assert_eq!(future_value(2.0, None, 0.0), 0.0);
    }

    #[test]
    fn blended_roi_with_zero_cost_is_none() {
        assert_eq!(
            blended_roi(100.0, 0.0, 0.0, &BlendWeights::default(), 0.0),
            None
        );
    }

    #[test]
    fn changes_are_absolute_and_relative_to_the_earlier_value() {
        let c = Change::between(Some(150.0), Some(100.0)).unwrap();
        assert_eq!(c.absolute, 50.0);
        assert_eq!(c.relative, Some(0.5));
        let from_negative = Change::between(Some(-50.0), Some(-100.0)).unwrap();
        assert_eq!(from_negative.relative, Some(0.5));
        assert_eq!(
            Change::between(Some(5.0), Some(0.0)).unwrap().relative,
            None
        );
        assert_eq!(Change::between(None, Some(1.0)), None);
    }

    #[test]
    fn figures_from_a_tally_match_hand_computed_values() {
        let mut t = Tally::default();
        t.m[Metric::Impressions as usize] = 10_000.0;
        t.m[Metric::Views as usize] = 1_000.0;
        t.m[Metric::Likes as usize] = 60.0;
        t.m[Metric::Saves as usize] = 30.0;
        t.m[Metric::Comments as usize] = 10.0;
        t.m[Metric::ProductClicks as usize] = 50.0;
        t.emv = 800.0;
        t.credit = OrderSums {
            new_customers: 2.0,
            new_revenue: 600.0,
            ..order_sums(1_200.0, 4.0)
        };
        t.cost.add(CostCategory::Kol, 1_000.0);
        let s = RoiSettings::default();
        let f = Figures::new(&t, &s, Known::ALL);
        assert_eq!(f.interactions, 100.0);
        assert_eq!(f.engagement_rate, Some(0.1));
        assert_eq!(f.cover_ctr, Some(0.1));
        assert_eq!(f.ecommerce_ctr, Some(0.05));
        assert_eq!(f.conversion_rate, Some(0.004));
        assert_eq!(f.cpe, Some(10.0));
        assert_eq!(f.cpc, Some(20.0));
        assert_eq!(f.cpa, Some(500.0));
        assert_eq!(f.aov, Some(300.0));
        // gross profit 1,200 x 0.6 = 720; net -280; ROI -0.28.
        assert_eq!(f.gross_profit, 720.0);
        assert_eq!(f.net_profit, -280.0);
        assert_eq!(f.roi, Some(-0.28));
        // CLV 300 x 0.6 x 2 x 3 = 1,080; future 2 x 1,080 - 600 x 0.6 = 1,800.
        assert!((f.clv.unwrap() - 1080.0).abs() < 1e-9);
        assert!((f.returns.future_value - 1800.0).abs() < 1e-9);
        // blended: (-280 + 0.5 x 800 + 1,800) / 1,000 = 1.92.
        assert!((f.returns.blended_roi.unwrap() - 1.92).abs() < 1e-12);
    }

    #[test]
    fn zero_views_and_zero_cost_leave_ratios_empty() {
        let f = Figures::new(&Tally::default(), &RoiSettings::default(), NO_NEW_CUSTOMERS);
        assert_eq!(f.engagement_rate, None);
        assert_eq!(f.cpe, None);
        assert_eq!(f.roi, None);
        assert_eq!(f.aov, None);
        assert_eq!(f.clv, None);
        assert_eq!(f.cpa, None);
        assert_eq!(f.new_customers, None);
        assert_eq!(f.returns.blended_roi, None);
        assert_eq!(f.returns.future_value, 0.0);
    }

    #[test]
    fn money_is_shown_in_the_chosen_currency_and_ratios_are_not() {
        let mut t = Tally {
            credit: order_sums(720.0, 2.0),
            ..Tally::default()
        };
        t.cost.add(CostCategory::Paid, 360.0);
        t.m[Metric::Views as usize] = 100.0;
        let s = RoiSettings {
            currency: Currency {
                code: "USD".into(),
                cny_per_unit: 7.2,
            },
            ..RoiSettings::default()
        };
        let f = Figures::new(&t, &s, NO_NEW_CUSTOMERS);
        assert_eq!(f.revenue, 100.0);
        assert_eq!(f.cost_total, 50.0);
        assert_eq!(f.cost_by_category.paid, 50.0);
        assert_eq!(f.cpv, Some(0.5));
        assert_eq!(f.aov, Some(50.0));
        // ROAS and ROI do not depend on the currency.
        assert_eq!(f.roas, Some(2.0));
        assert!((f.roi.unwrap() - (720.0 * 0.6 - 360.0) / 360.0).abs() < 1e-12);
    }
}
