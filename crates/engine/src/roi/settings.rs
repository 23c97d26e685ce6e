//! Everything that changes the ROI figures, in one serde struct: what a
//! scenario saves and the CLI flags fill in. Every part has a sensible
//! default, so `{}` is a valid scenario and old saves keep loading when
//! fields are added (`#[serde(default)]` throughout).
//!
//! Money amounts in settings (benchmarks, hand-entered costs, overrides) are
//! in CNY, like the data; [`Currency`] only changes how results are shown.

use serde::{Deserialize, Serialize};

use super::ledger::CostEntry;
use super::objective::Objective;
use crate::report::{ReportSettings, SourceRules, DEFAULT_MARGIN};
use crate::schema::CostCategory;
use crate::time::Day;

/// The settings of one ROI view or scenario.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RoiSettings {
    /// Decides which KPIs lead ([`super::lead_kpis`]).
    pub objective: Objective,
    /// The period reported; open ends reach the first or last day of data.
    pub range: DateRange,
    /// A period (before a campaign, say) every KPI is also compared with.
    pub baseline: Option<DateRange>,
    pub filters: Filters,
    pub margin: MarginRule,
    pub emv: EmvBenchmarks,
    pub clv: ClvParams,
    pub weights: BlendWeights,
    pub currency: Currency,
    /// "All KOL fees x 1.2": a factor per cost category.
    pub cost_multipliers: CostMultipliers,
    /// Costs entered by hand, counted with the cost table's rows.
    pub manual_costs: Vec<CostEntry>,
    /// Which orders are Xiaohongshu's. Changing it needs a new
    /// [`super::Prepared`].
    pub source_rules: SourceRules,
    /// How a Xiaohongshu order is tied to a note, creator or campaign.
    /// Changing it needs a new [`super::Prepared`].
    pub order_links: OrderLinks,
    pub tiers: TierRules,
    /// Revenue credited to notes by another method (an attribution model),
    /// replacing the direct rules' credit for those notes.
    pub credit_overrides: Vec<CreditOverride>,
}

/// The headline report's two settings carry over unchanged; COGS per order
/// is off because [`crate::Kpis`] uses the margin alone.
impl From<&ReportSettings> for RoiSettings {
    fn from(report: &ReportSettings) -> Self {
        RoiSettings {
            margin: MarginRule {
                rate: report.margin,
                use_order_cogs: false,
            },
            source_rules: report.source_rules.clone(),
            ..RoiSettings::default()
        }
    }
}

/// A period of whole days, both ends included; `None` is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DateRange {
    #[serde(with = "iso_day")]
    pub from: Option<Day>,
    #[serde(with = "iso_day")]
    pub to: Option<Day>,
}

impl DateRange {
    /// All data, dated or not.
    pub fn all() -> DateRange {
        DateRange::default()
    }

    pub fn between(from: Day, to: Day) -> DateRange {
        DateRange {
            from: Some(from),
            to: Some(to),
        }
    }

    pub fn is_all(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }
}

/// Days as `2026-03-01` in settings files (scenarios are read by people);
/// a day number is accepted too.
pub mod iso_day {
    use super::Day;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(day: &Option<Day>, s: S) -> Result<S::Ok, S::Error> {
        match day {
            Some(d) => s.serialize_str(&d.iso()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Day>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Number(i32),
        }
        match Option::<Raw>::deserialize(d)? {
            None => Ok(None),
            Some(Raw::Number(n)) => Ok(Some(Day(n))),
            Some(Raw::Text(t)) => Day::parse_iso(&t)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("not a date: {t}"))),
        }
    }
}

/// Which notes, costs and orders count. An empty list does not filter.
///
/// A filter keeps only what it can judge: a cost or order tied to nothing
/// the filter names (an agency retainer under a format filter, an order
/// matched to Xiaohongshu but to no note) drops out while that filter is on.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Filters {
    pub campaigns: Vec<String>,
    /// `image` and `video` match every spelling of those formats
    /// (`image_text`, `图文`, `视频`...); other values match as written.
    pub formats: Vec<String>,
    pub content_types: Vec<String>,
    pub tiers: Vec<KolTier>,
    pub accounts: Vec<String>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.campaigns.is_empty()
            && self.formats.is_empty()
            && self.content_types.is_empty()
            && self.tiers.is_empty()
            && self.accounts.is_empty()
    }
}

/// A creator's tier by followers (thresholds in [`TierRules`]), or the
/// brand's own account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KolTier {
    /// The brand's own account (官方号).
    Brand,
    /// 头部.
    Head,
    /// 腰部.
    Mid,
    /// 初级 / 尾部.
    Micro,
    /// KOC / 素人.
    Koc,
    /// No follower count and no tier given.
    Unknown,
}

impl KolTier {
    pub const ALL: [KolTier; 6] = [
        KolTier::Brand,
        KolTier::Head,
        KolTier::Mid,
        KolTier::Micro,
        KolTier::Koc,
        KolTier::Unknown,
    ];

    pub fn name(self) -> &'static str {
        match self {
            KolTier::Brand => "brand",
            KolTier::Head => "head",
            KolTier::Mid => "mid",
            KolTier::Micro => "micro",
            KolTier::Koc => "koc",
            KolTier::Unknown => "unknown",
        }
    }

    /// Reads a tier as KOL sheets write it, in English or Chinese.
    pub fn parse(text: &str) -> Option<KolTier> {
        let key = crate::schema::normalize_header(text);
        Some(match key.as_str() {
            "brand" | "official" | "own" | "品牌" | "官方" | "品牌号" | "官方号" | "自营" => {
                KolTier::Brand
            }
            "head" | "top" | "头部" | "头部达人" | "头部kol" => KolTier::Head,
            "mid" | "middle" | "腰部" | "腰部达人" | "腰部kol" => KolTier::Mid,
            "micro" | "初级" | "尾部" | "初级达人" | "尾部达人" => KolTier::Micro,
            "koc" | "nano" | "素人" | "koc素人" => KolTier::Koc,
            "unknown" => KolTier::Unknown,
            _ => return None,
        })
    }
}

/// Follower thresholds of the tiers (sources disagree, so they are
/// settings) and the accounts that are the brand's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TierRules {
    /// Head from this many followers.
    pub head: f64,
    /// Mid from this many.
    pub mid: f64,
    /// Micro from this many; KOC below.
    pub micro: f64,
    /// Accounts that are the brand's own (besides those the KOL table marks
    /// `brand`/`官方`).
    pub own_accounts: Vec<String>,
}

impl Default for TierRules {
    fn default() -> Self {
        TierRules {
            head: 500_000.0,
            mid: 50_000.0,
            micro: 5_000.0,
            own_accounts: Vec::new(),
        }
    }
}

impl TierRules {
    pub fn tier_of(&self, followers: f64) -> KolTier {
        if followers >= self.head {
            KolTier::Head
        } else if followers >= self.mid {
            KolTier::Mid
        } else if followers >= self.micro {
            KolTier::Micro
        } else {
            KolTier::Koc
        }
    }
}

/// Gross margin: COGS per order where the orders give it, this rate on the
/// revenue of the others.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MarginRule {
    /// Gross margin as a fraction of revenue (0.6 = 60%).
    pub rate: f64,
    /// Use an order's `cogs` when present (revenue - COGS) instead of the rate.
    pub use_order_cogs: bool,
}

impl Default for MarginRule {
    fn default() -> Self {
        MarginRule {
            rate: DEFAULT_MARGIN,
            use_order_cogs: true,
        }
    }
}

/// Earned-media benchmarks: what the same reach and interactions would cost
/// as paid media, in CNY.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Benchmark {
    /// Per 1,000 impressions.
    pub cpm: f64,
    /// Per interaction.
    pub cpe: f64,
}

/// Benchmarks per note format. Notes of another or no format use `image`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmvBenchmarks {
    pub image: Benchmark,
    pub video: Benchmark,
}

impl Default for Benchmark {
    fn default() -> Self {
        EmvBenchmarks::default().image
    }
}

impl Default for EmvBenchmarks {
    /// Placeholders near 聚光 feed prices; every brand should set its own.
    fn default() -> Self {
        EmvBenchmarks {
            image: Benchmark {
                cpm: 35.0,
                cpe: 3.0,
            },
            video: Benchmark {
                cpm: 50.0,
                cpe: 4.0,
            },
        }
    }
}

/// Customer lifetime value: `AOV x margin x purchases per year x years`, or
/// with `retention` r and `discount` d: `margin per year x r / (1 + d - r)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClvParams {
    pub purchases_per_year: f64,
    /// Expected years as a customer (the simple form).
    pub years: f64,
    /// Share of customers kept each year; set, it selects the retention form.
    pub retention: Option<f64>,
    /// Yearly discount rate of the retention form.
    pub discount: f64,
}

impl Default for ClvParams {
    fn default() -> Self {
        ClvParams {
            purchases_per_year: 2.0,
            years: 3.0,
            retention: None,
            discount: 0.1,
        }
    }
}

/// Weights of brand value and of new customers' future value in the
/// blended ROI (direct profit always weighs 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BlendWeights {
    /// EMV is a benchmark price, not money received: half weight by default.
    pub brand: f64,
    pub future: f64,
}

impl Default for BlendWeights {
    fn default() -> Self {
        BlendWeights {
            brand: 0.5,
            future: 1.0,
        }
    }
}

/// The currency results are shown in. The data are in CNY.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Currency {
    /// ISO code: `CNY`, `USD`, `EUR`...
    pub code: String,
    /// CNY per one unit of this currency (USD: about 7.2; CNY: 1).
    pub cny_per_unit: f64,
}

impl Default for Currency {
    fn default() -> Self {
        Currency {
            code: "CNY".into(),
            cny_per_unit: 1.0,
        }
    }
}

impl Currency {
    /// Converts CNY to this currency.
    pub fn from_cny(&self, cny: f64) -> f64 {
        cny / self.cny_per_unit
    }

    pub fn symbol(&self) -> String {
        crate::format::currency_symbol(&self.code)
    }

    /// True when a ledger's currency cell names CNY (or is empty).
    pub fn is_cny(text: &str) -> bool {
        let key = crate::schema::normalize_header(text);
        matches!(key.as_str(), "" | "cny" | "rmb" | "人民币" | "元" | "¥")
    }
}

/// A factor per cost category (1 = as recorded).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CostMultipliers {
    pub content: f64,
    pub kol: f64,
    pub paid: f64,
    pub agency: f64,
    pub technology: f64,
}

impl Default for CostMultipliers {
    fn default() -> Self {
        CostMultipliers {
            content: 1.0,
            kol: 1.0,
            paid: 1.0,
            agency: 1.0,
            technology: 1.0,
        }
    }
}

impl CostMultipliers {
    pub fn get(&self, category: CostCategory) -> f64 {
        match category {
            CostCategory::Content => self.content,
            CostCategory::Kol => self.kol,
            CostCategory::Paid => self.paid,
            CostCategory::Agency => self.agency,
            CostCategory::Technology => self.technology,
        }
    }

    pub fn set(&mut self, category: CostCategory, factor: f64) {
        match category {
            CostCategory::Content => self.content = factor,
            CostCategory::Kol => self.kol = factor,
            CostCategory::Paid => self.paid = factor,
            CostCategory::Agency => self.agency = factor,
            CostCategory::Technology => self.technology = factor,
        }
    }
}

/// What an order, a cost or a credit is tied to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// A note id.
    Note(String),
    /// An account (creator or the brand's own).
    Account(String),
    Campaign(String),
}

/// The order field a link reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderField {
    PromoCode,
    QrCode,
    UtmCampaign,
    LandingPage,
}

/// "Orders whose promo code is `XHS007` are Luna's." Codes and campaign tags
/// match ignoring case and surrounding space; a landing page matches when it
/// contains the value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrderLink {
    pub field: OrderField,
    pub value: String,
    pub target: Target,
}

/// How an order already credited to Xiaohongshu is tied to a note, creator
/// or campaign (docs/roi.md, "Attributing orders"): the links below in
/// order, then the KOL table's promo codes, then a `utm_campaign` equal to a
/// campaign's name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct OrderLinks {
    pub links: Vec<OrderLink>,
    /// Tie an order to a campaign whose name its `utm_campaign` equals.
    pub match_campaign_names: bool,
    /// An order tied to a creator is shared among that creator's notes by
    /// their views in this many days up to the order's day.
    pub lookback_days: u32,
}

impl Default for OrderLinks {
    fn default() -> Self {
        OrderLinks {
            links: Vec::new(),
            match_campaign_names: true,
            lookback_days: 30,
        }
    }
}

/// Revenue credited to a note by another method (the hook for attribution
/// models): while a note has any, they replace its direct credit. With `from`
/// and `to` the amounts spread evenly over those days; without, they count
/// only when the whole data range is reported.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CreditOverride {
    pub note_id: String,
    /// CNY.
    pub revenue: f64,
    pub orders: f64,
    #[serde(with = "iso_day")]
    pub from: Option<Day>,
    #[serde(with = "iso_day")]
    pub to: Option<Day>,
}

/// A setting out of range: one short sentence naming it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingsError {
    #[error("margin must be between 0 and 1, got {0}")]
    Margin(f64),
    #[error("{0} ends before it starts")]
    Backwards(&'static str),
    #[error("exchange rate must be a positive number, got {0}")]
    Rate(f64),
    #[error("the data are in CNY: a rate needs another currency")]
    RateWithoutCurrency,
    #[error("{0} must be a number of at least 0, got {1}")]
    Negative(&'static str, f64),
    #[error("retention must be at least 0 and below 1, got {0}")]
    Retention(f64),
    #[error("tier thresholds must rise from micro to mid to head")]
    Tiers,
    #[error("cost entry {0}: {1}")]
    CostEntry(usize, &'static str),
}

impl RoiSettings {
    /// Checks every number a person can type; the computations never panic
    /// on bad settings, but their figures would mean nothing.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let non_negative = |name: &'static str, value: f64| {
            if value.is_finite() && value >= 0.0 {
                Ok(())
            } else {
                Err(SettingsError::Negative(name, value))
            }
        };
        if !(0.0..=1.0).contains(&self.margin.rate) {
            return Err(SettingsError::Margin(self.margin.rate));
        }
        let forwards = |range: &DateRange, name| match (range.from, range.to) {
            (Some(from), Some(to)) if from > to => Err(SettingsError::Backwards(name)),
            _ => Ok(()),
        };
        forwards(&self.range, "the period")?;
        if let Some(baseline) = &self.baseline {
            forwards(baseline, "the baseline")?;
        }
        let rate = self.currency.cny_per_unit;
        if !(rate.is_finite() && rate > 0.0) {
            return Err(SettingsError::Rate(rate));
        }
        if Currency::is_cny(&self.currency.code) && rate != 1.0 {
            return Err(SettingsError::RateWithoutCurrency);
        }
        non_negative("image CPM benchmark", self.emv.image.cpm)?;
        non_negative("image CPE benchmark", self.emv.image.cpe)?;
        non_negative("video CPM benchmark", self.emv.video.cpm)?;
        non_negative("video CPE benchmark", self.emv.video.cpe)?;
        non_negative("purchases per year", self.clv.purchases_per_year)?;
        non_negative("years", self.clv.years)?;
        non_negative("discount rate", self.clv.discount)?;
        if let Some(r) = self.clv.retention {
            if !(0.0..1.0).contains(&r) {
                return Err(SettingsError::Retention(r));
            }
        }
        non_negative("brand value weight", self.weights.brand)?;
        non_negative("future value weight", self.weights.future)?;
        for c in CostCategory::ALL {
            non_negative("a cost multiplier", self.cost_multipliers.get(c))?;
        }
        let t = &self.tiers;
        if !(t.micro.is_finite() && 0.0 <= t.micro && t.micro <= t.mid && t.mid <= t.head) {
            return Err(SettingsError::Tiers);
        }
        for (i, entry) in self.manual_costs.iter().enumerate() {
            if !entry.amount.is_finite() {
                return Err(SettingsError::CostEntry(i + 1, "amount is not a number"));
            }
            if let (Some(from), Some(to)) = (entry.date, entry.end) {
                if from > to {
                    return Err(SettingsError::CostEntry(i + 1, "ends before it starts"));
                }
            }
            if entry.end.is_some() && entry.date.is_none() {
                return Err(SettingsError::CostEntry(i + 1, "has an end but no start"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_object_is_the_default_scenario() {
        let s: RoiSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(s, RoiSettings::default());
        assert_eq!(s.margin.rate, 0.6);
        assert_eq!(s.currency.code, "CNY");
        assert!(s.validate().is_ok());
    }

    #[test]
    fn settings_round_trip_through_json_with_iso_dates() {
        let mut s = RoiSettings {
            range: DateRange::between(
                Day::from_ymd(2026, 3, 1).unwrap(),
                Day::from_ymd(2026, 3, 31).unwrap(),
            ),
            ..RoiSettings::default()
        };
        s.cost_multipliers.kol = 1.2;
        s.filters.tiers = vec![KolTier::Mid];
        s.order_links.links.push(OrderLink {
            field: OrderField::PromoCode,
            value: "XHS007".into(),
            target: Target::Account("Luna".into()),
        });
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["range"]["from"], "2026-03-01");
        assert_eq!(json["order_links"]["links"][0]["target"]["account"], "Luna");
        let back: RoiSettings = serde_json::from_value(json).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn partial_settings_keep_defaults_for_the_rest() {
        let s: RoiSettings =
            serde_json::from_str(r#"{"margin": {"rate": 0.5}, "weights": {"brand": 0.2}}"#)
                .unwrap();
        assert_eq!(s.margin.rate, 0.5);
        assert!(s.margin.use_order_cogs);
        assert_eq!(s.weights.brand, 0.2);
        assert_eq!(s.weights.future, 1.0);
    }

    #[test]
    fn out_of_range_settings_are_named() {
        let mut s = RoiSettings::default();
        s.margin.rate = 60.0;
        assert_eq!(s.validate(), Err(SettingsError::Margin(60.0)));
        let mut s = RoiSettings::default();
        s.currency.cny_per_unit = 0.0;
        assert!(s
            .validate()
            .unwrap_err()
            .to_string()
            .contains("exchange rate"));
        let mut s = RoiSettings::default();
        s.currency.cny_per_unit = 7.2;
        assert_eq!(s.validate(), Err(SettingsError::RateWithoutCurrency));
        let mut s = RoiSettings::default();
        s.clv.retention = Some(1.0);
        assert!(s.validate().is_err());
        let s = RoiSettings {
            range: DateRange::between(Day(10), Day(9)),
            ..RoiSettings::default()
        };
        assert_eq!(
            s.validate().unwrap_err().to_string(),
            "the period ends before it starts"
        );
        let mut s = RoiSettings::default();
        s.tiers.mid = 1e9;
        assert_eq!(s.validate(), Err(SettingsError::Tiers));
    }

    #[test]
    fn tiers_follow_the_follower_thresholds() {
        let t = TierRules::default();
        assert_eq!(t.tier_of(500_000.0), KolTier::Head);
        assert_eq!(t.tier_of(499_999.0), KolTier::Mid);
        assert_eq!(t.tier_of(50_000.0), KolTier::Mid);
        assert_eq!(t.tier_of(5_000.0), KolTier::Micro);
        assert_eq!(t.tier_of(4_999.0), KolTier::Koc);
        assert_eq!(KolTier::parse("腰部"), Some(KolTier::Mid));
        assert_eq!(KolTier::parse("Brand"), Some(KolTier::Brand));
    }

    #[test]
    fn report_settings_carry_margin_and_rules() {
        let r = ReportSettings {
            margin: 0.4,
            ..ReportSettings::default()
        };
        let s = RoiSettings::from(&r);
        assert_eq!(s.margin.rate, 0.4);
        assert_eq!(s.source_rules, r.source_rules);
    }
}
