//! The cost ledger: rows of the costs table and costs entered by hand, each
//! in one of the five categories, tied to a note, a creator, a campaign or
//! nothing, on one day or spread evenly over a period.

use serde::{Deserialize, Serialize};

use super::period::Period;
use super::prepared::Attrs;
use super::settings::iso_day;
use crate::schema::CostCategory;
use crate::time::Day;

/// How a creator is paid (domain: cost of a KOL note).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayKind {
    /// A fixed fee for the note (一口价).
    FlatFee,
    /// Product sent as a gift, at cost (寄样 / 置换).
    ProductGift,
    /// A share of the sales the creator brings (佣金 / CPS).
    Commission,
    /// The platform's service fee on a creator order (蒲公英服务费).
    PlatformFee,
    Other,
}

impl PayKind {
    pub const ALL: [PayKind; 5] = [
        PayKind::FlatFee,
        PayKind::ProductGift,
        PayKind::Commission,
        PayKind::PlatformFee,
        PayKind::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PayKind::FlatFee => "flat_fee",
            PayKind::ProductGift => "product_gift",
            PayKind::Commission => "commission",
            PayKind::PlatformFee => "platform_fee",
            PayKind::Other => "other",
        }
    }

    /// Reads a ledger's pay kind; `None` for an empty cell, [`PayKind::Other`]
    /// for one it does not know.
    pub fn parse(text: &str) -> Option<PayKind> {
        let key = crate::schema::normalize_header(text);
        Some(match key.as_str() {
            "" => return None,
            "flatfee" | "fee" | "flat" | "fixedfee" | "creatorfee" | "一口价" | "固定费用"
            | "报价" | "稿费" | "合作费" => PayKind::FlatFee,
            "gift" | "productgift" | "gifts" | "sample" | "赠品" | "寄样" | "置换" | "产品置换"
            | "送样" => PayKind::ProductGift,
            "commission" | "cps" | "佣金" | "分佣" | "返佣" => PayKind::Commission,
            "platformfee" | "servicefee" | "platformservicefee" | "蒲公英服务费" | "平台服务费"
            | "服务费" | "技术服务费" => PayKind::PlatformFee,
            _ => PayKind::Other,
        })
    }
}

/// A cost entered by hand (or one row of the costs table). The amount is in
/// `currency` (CNY when empty). With a `commission_rate`, the cost also
/// includes that share of the revenue credited to what the entry is tied to
/// in the period reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostEntry {
    pub category: CostCategory,
    #[serde(default)]
    pub amount: f64,
    #[serde(default)]
    pub commission_rate: Option<f64>,
    /// The day of the cost, or the first day of its period.
    #[serde(default, with = "iso_day")]
    pub date: Option<Day>,
    /// With `date`: the cost spreads evenly over `date..=end`.
    #[serde(default, with = "iso_day")]
    pub end: Option<Day>,
    #[serde(default)]
    pub note_id: Option<String>,
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub campaign: Option<String>,
    #[serde(default)]
    pub pay_kind: Option<PayKind>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

impl CostEntry {
    /// An entry of `amount` CNY in `category`, tied to nothing, undated.
    pub fn new(category: CostCategory, amount: f64) -> CostEntry {
        CostEntry {
            category,
            amount,
            commission_rate: None,
            date: None,
            end: None,
            note_id: None,
            account: None,
            campaign: None,
            pay_kind: None,
            currency: None,
            description: None,
        }
    }
}

/// KOL cost by pay kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct PayKindCosts {
    pub flat_fee: f64,
    pub product_gift: f64,
    pub commission: f64,
    pub platform_fee: f64,
    /// KOL costs of another or no pay kind.
    pub other: f64,
}

impl PayKindCosts {
    pub fn get(&self, kind: PayKind) -> f64 {
        match kind {
            PayKind::FlatFee => self.flat_fee,
            PayKind::ProductGift => self.product_gift,
            PayKind::Commission => self.commission,
            PayKind::PlatformFee => self.platform_fee,
            PayKind::Other => self.other,
        }
    }

    pub(crate) fn add(&mut self, kind: Option<PayKind>, amount: f64) {
        let slot = match kind.unwrap_or(PayKind::Other) {
            PayKind::FlatFee => &mut self.flat_fee,
            PayKind::ProductGift => &mut self.product_gift,
            PayKind::Commission => &mut self.commission,
            PayKind::PlatformFee => &mut self.platform_fee,
            PayKind::Other => &mut self.other,
        };
        *slot += amount;
    }

    pub(crate) fn scaled(self, factor: f64) -> PayKindCosts {
        PayKindCosts {
            flat_fee: self.flat_fee * factor,
            product_gift: self.product_gift * factor,
            commission: self.commission * factor,
            platform_fee: self.platform_fee * factor,
            other: self.other * factor,
        }
    }
}

/// When a cost (or an overriding credit) falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Timing {
    /// Counted only when all the data is reported.
    Undated,
    On(Day),
    /// Evenly over these days, both included.
    Spread(Day, Day),
}

impl Timing {
    pub fn new(date: Option<Day>, end: Option<Day>) -> Timing {
        match (date, end) {
            (None, _) => Timing::Undated,
            (Some(d), None) => Timing::On(d),
            (Some(d), Some(e)) if e > d => Timing::Spread(d, e),
            (Some(d), Some(_)) => Timing::On(d),
        }
    }

    /// The share of the amount that falls in `period` (pro rata by days).
    pub fn share_in(self, period: &Period) -> f64 {
        if period.all {
            return 1.0;
        }
        match self {
            Timing::Undated => 0.0,
            Timing::On(d) => f64::from(u8::from(period.contains(d))),
            Timing::Spread(from, to) => {
                let overlap = period.overlap_days(from, to);
                f64::from(overlap) / (f64::from(to.0) - f64::from(from.0) + 1.0)
            }
        }
    }

    /// The days of `period` this covers, for revenue-based commission.
    pub fn within(self, period: &Period) -> Option<Period> {
        match self {
            Timing::Undated => Some(*period),
            Timing::On(d) => period.contains(d).then(|| Period::between(d, d)),
            Timing::Spread(from, to) => period.clip(from, to),
        }
    }
}

/// One cost, resolved against the dataset's notes, accounts and campaigns.
#[derive(Debug, Clone)]
pub(crate) struct LedgerItem {
    pub category: CostCategory,
    /// In `currency` (CNY when `None`).
    pub amount: f64,
    pub commission_rate: f64,
    pub timing: Timing,
    pub attrs: Attrs,
    pub pay_kind: Option<PayKind>,
    pub currency: Option<Box<str>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> Day {
        Day::from_ymd(2026, 3, d).unwrap()
    }

    #[test]
    fn a_spread_cost_is_prorated_by_the_days_the_period_keeps() {
        // 3,100 over March 1-31 is 100 a day; March 10-19 keeps ten days.
        let timing = Timing::new(Some(day(1)), Some(day(31)));
        let period = Period::between(day(10), day(19));
        assert_eq!(timing.share_in(&period) * 3100.0, 1000.0);
        // A period reaching past the end keeps only the covered days.
        let tail = Period::between(day(30), Day::from_ymd(2026, 4, 5).unwrap());
        assert_eq!(timing.share_in(&tail) * 3100.0, 200.0);
        assert_eq!(timing.share_in(&Period::everything(day(1), day(1))), 1.0);
    }

    #[test]
    fn undated_costs_count_only_in_the_whole_data() {
        let period = Period::between(day(1), day(31));
        assert_eq!(Timing::Undated.share_in(&period), 0.0);
        assert_eq!(
            Timing::Undated.share_in(&Period::everything(day(1), day(31))),
            1.0
        );
        assert_eq!(Timing::On(day(5)).share_in(&period), 1.0);
        assert_eq!(
            Timing::On(day(5)).share_in(&Period::between(day(6), day(9))),
            0.0
        );
    }

    #[test]
    fn pay_kinds_parse_in_english_and_chinese() {
        assert_eq!(PayKind::parse("flat_fee"), Some(PayKind::FlatFee));
        assert_eq!(PayKind::parse("寄样"), Some(PayKind::ProductGift));
        assert_eq!(PayKind::parse("gift"), Some(PayKind::ProductGift));
        assert_eq!(PayKind::parse("佣金"), Some(PayKind::Commission));
        assert_eq!(PayKind::parse("platform_fee"), Some(PayKind::PlatformFee));
        assert_eq!(PayKind::parse("蒲公英服务费"), Some(PayKind::PlatformFee));
        assert_eq!(PayKind::parse("barter"), Some(PayKind::Other));
        assert_eq!(PayKind::parse(""), None);
    }

    #[test]
    fn hand_entered_costs_read_from_json_with_defaults() {
        let entry: CostEntry = serde_json::from_str(
            r#"{"category": "kol", "amount": 500, "date": "2026-03-01", "end": "2026-03-31",
                "account": "Luna", "pay_kind": "flat_fee"}"#,
        )
        .unwrap();
        assert_eq!(entry.category, CostCategory::Kol);
        assert_eq!(entry.date, Some(day(1)));
        assert_eq!(entry.commission_rate, None);
        assert_eq!(entry.pay_kind, Some(PayKind::FlatFee));
    }
}
