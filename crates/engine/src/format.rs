//! Numbers as a reader of each language expects them: thousands separators
//! in English, 万 and 亿 in Chinese, percentages with sensible precision.
//! The web app and the CLI's human output both use these, so the screen and
//! the terminal agree digit for digit.

use serde::{Deserialize, Serialize};

/// The languages of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    Zh,
}

impl Locale {
    /// The BCP 47 tag, for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Zh => "zh-CN",
        }
    }

    /// The interface language for a browser language tag: Chinese for any
    /// `zh*`, English otherwise.
    pub fn from_tag(tag: &str) -> Locale {
        if tag.trim().to_ascii_lowercase().starts_with("zh") {
            Locale::Zh
        } else {
            Locale::En
        }
    }
}

/// Shown for a value that does not exist (a ratio over zero).
pub const MISSING: &str = "—";

/// Fixed decimals with `,` grouping: `1,234,567.89`.
pub fn grouped(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::with_capacity(text.len() + whole.len() / 3 + 1);
    // "-0" after rounding is just "0".
    if value < 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        out.push('-');
    }
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A count: `12,345,678` in English; `1,234.57万`, `1.23亿` in Chinese.
pub fn count(value: f64, locale: Locale) -> String {
    if !value.is_finite() {
        return MISSING.into();
    }
    match locale {
        Locale::En => grouped(value, 0),
        Locale::Zh => chinese_units(value, 0),
    }
}

/// Writes large numbers with 万 (10⁴) or 亿 (10⁸) and two decimals;
/// smaller ones in full with `small_decimals`.
fn chinese_units(value: f64, small_decimals: usize) -> String {
    let magnitude = value.abs();
    if magnitude >= 1e8 {
        format!("{}亿", grouped(value / 1e8, 2))
    } else if magnitude >= 1e4 {
        format!("{}万", grouped(value / 1e4, 2))
    } else {
        grouped(value, small_decimals)
    }
}

/// Money with the currency sign: `¥1,234,567` (whole yuan from 100 up, fen
/// below, where CPE and CPV live) or `¥123.46万` in Chinese.
pub fn money(value: f64, locale: Locale, symbol: &str) -> String {
    if !value.is_finite() {
        return MISSING.into();
    }
    let decimals = if value.abs() < 100.0 { 2 } else { 0 };
    let body = match locale {
        Locale::En => grouped(value.abs(), decimals),
        Locale::Zh => chinese_units(value.abs(), decimals),
    };
    let sign = if value < 0.0 && body.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        "-"
    } else {
        ""
    };
    format!("{sign}{symbol}{body}")
}

/// A fraction as a percentage: one decimal, two below 1%.
pub fn percent(fraction: f64) -> String {
    if !fraction.is_finite() {
        return MISSING.into();
    }
    let pct = fraction * 100.0;
    let decimals = if pct.abs() < 1.0 { 2 } else { 1 };
    format!("{}%", grouped(pct, decimals))
}

/// A multiple such as ROAS: `2.15×`.
pub fn multiple(value: f64) -> String {
    if !value.is_finite() {
        return MISSING.into();
    }
    format!("{}×", grouped(value, 2))
}

/// The sign written before an amount in a currency: `¥` for CNY, `$` for
/// USD...; other codes are written as the code and a space (`SGD 12`).
pub fn currency_symbol(code: &str) -> String {
    match code.trim().to_ascii_uppercase().as_str() {
        "CNY" | "RMB" | "" => "¥".into(),
        "USD" => "$".into(),
        "EUR" => "€".into(),
        "GBP" => "£".into(),
        "JPY" => "JP¥".into(),
        "HKD" => "HK$".into(),
        "KRW" => "₩".into(),
        other => format!("{other} "),
    }
}

/// Applies a formatter to an optional value, `—` for `None`.
pub fn or_missing(value: Option<f64>, f: impl FnOnce(f64) -> String) -> String {
    value.map_or_else(|| MISSING.to_string(), f)
}

/// A short axis label: `1.2M`, `350k` in English; `120万`, `1.2亿` in Chinese.
pub fn compact(value: f64, locale: Locale) -> String {
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    let m = value.abs();
    match locale {
        Locale::En if m >= 1e9 => format!("{}B", trim(format!("{:.1}", value / 1e9))),
        Locale::En if m >= 1e6 => format!("{}M", trim(format!("{:.1}", value / 1e6))),
        Locale::En if m >= 1e3 => format!("{}k", trim(format!("{:.1}", value / 1e3))),
        Locale::Zh if m >= 1e8 => format!("{}亿", trim(format!("{:.1}", value / 1e8))),
        Locale::Zh if m >= 1e4 => format!("{}万", trim(format!("{:.1}", value / 1e4))),
        _ => trim(format!("{value:.1}")),
    }
}

/// Characters a headline card shows in full at its font size.
pub const HEADLINE_CHARS: usize = 10;

/// A count for a headline card: [`count`] when it fits in
/// [`HEADLINE_CHARS`], else shortened (`1.22B`, `146.8M`; in Chinese the
/// count is short already, `12.20亿`). The card keeps the full text for
/// its tooltip.
pub fn headline_count(value: f64, locale: Locale) -> String {
    fit_headline(count(value, locale), value, "", locale)
}

/// Money for a headline card: [`money`] when it fits in
/// [`HEADLINE_CHARS`], else shortened like [`headline_count`] (`¥45.8M`).
pub fn headline_money(value: f64, locale: Locale, symbol: &str) -> String {
    fit_headline(money(value, locale, symbol), value, symbol, locale)
}

/// `full` when it fits a card, else `value` shortened after its sign and
/// `prefix`.
fn fit_headline(full: String, value: f64, prefix: &str, locale: Locale) -> String {
    if full.chars().count() <= HEADLINE_CHARS {
        return full;
    }
    let sign = if value < 0.0 { "-" } else { "" };
    format!("{sign}{prefix}{}", shortened(value.abs(), locale))
}

/// A large non-negative number in a few characters: billions with two
/// decimals and millions with one in English; 亿 with one decimal in
/// Chinese (whose full form only outgrows a card from 10,000亿 up).
fn shortened(magnitude: f64, locale: Locale) -> String {
    match locale {
        // Each bound is where the next unit down would round to 1,000.
        Locale::En if magnitude >= 999.95e6 => format!("{}B", grouped(magnitude / 1e9, 2)),
        Locale::En if magnitude >= 999.95e3 => format!("{}M", grouped(magnitude / 1e6, 1)),
        Locale::En if magnitude >= 1e3 => format!("{}k", grouped(magnitude / 1e3, 1)),
        Locale::Zh if magnitude >= 99_999_500.0 => format!("{}亿", grouped(magnitude / 1e8, 1)),
        Locale::Zh if magnitude >= 1e4 => format!("{}万", grouped(magnitude / 1e4, 1)),
        _ => grouped(magnitude, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_counts_have_thousands_separators() {
        assert_eq!(count(12_345_678.0, Locale::En), "12,345,678");
        assert_eq!(count(999.0, Locale::En), "999");
        assert_eq!(count(0.0, Locale::En), "0");
        assert_eq!(count(-1234.0, Locale::En), "-1,234");
    }

    #[test]
    fn chinese_counts_use_wan_and_yi() {
        assert_eq!(count(9_999.0, Locale::Zh), "9,999");
        assert_eq!(count(12_345.0, Locale::Zh), "1.23万");
        assert_eq!(count(12_345_678.0, Locale::Zh), "1,234.57万");
        assert_eq!(count(123_456_789.0, Locale::Zh), "1.23亿");
    }

    #[test]
    fn money_keeps_fen_only_for_small_amounts() {
        assert_eq!(money(1_234_567.4, Locale::En, "¥"), "¥1,234,567");
        assert_eq!(money(17.456, Locale::En, "¥"), "¥17.46");
        assert_eq!(money(-2500.0, Locale::En, "¥"), "-¥2,500");
        assert_eq!(money(1_234_567.0, Locale::Zh, "¥"), "¥123.46万");
        assert_eq!(money(-0.001, Locale::En, "¥"), "¥0.00");
    }

    #[test]
    fn percentages_have_one_decimal_or_two_below_one_percent() {
        assert_eq!(percent(0.0834), "8.3%");
        assert_eq!(percent(0.00456), "0.46%");
        assert_eq!(percent(-0.352), "-35.2%");
        assert_eq!(percent(12.5), "1,250.0%");
    }

    #[test]
    fn currency_codes_have_their_signs() {
        assert_eq!(currency_symbol("CNY"), "¥");
        assert_eq!(currency_symbol("usd"), "$");
        assert_eq!(money(-12.5, Locale::En, &currency_symbol("EUR")), "-€12.50");
        assert_eq!(currency_symbol("SGD"), "SGD ");
    }

    #[test]
    fn missing_values_show_a_dash() {
        assert_eq!(or_missing(None, percent), "—");
        assert_eq!(or_missing(Some(2.0), multiple), "2.00×");
    }

    #[test]
    fn compact_labels_for_axes() {
        assert_eq!(compact(1_200_000.0, Locale::En), "1.2M");
        assert_eq!(compact(350_000.0, Locale::En), "350k");
        assert_eq!(compact(1_200_000.0, Locale::Zh), "120万");
        assert_eq!(compact(40.0, Locale::En), "40");
    }

    #[test]
    fn headline_figures_stay_whole_while_they_fit_a_card() {
        assert_eq!(headline_count(12_175_775.0, Locale::En), "12,175,775");
        assert_eq!(headline_count(999_999_999.0, Locale::En), "1.00B");
        assert_eq!(headline_count(100_000_000.0, Locale::En), "100.0M");
        assert_eq!(headline_count(146_835_912.0, Locale::En), "146.8M");
        assert_eq!(headline_count(1_219_827_123.0, Locale::En), "1.22B");
        assert_eq!(headline_count(-146_835_912.0, Locale::En), "-146.8M");
        assert_eq!(headline_count(1_219_827_123.0, Locale::Zh), "12.20亿");
        assert_eq!(headline_count(1.5e12, Locale::Zh), "15,000.00亿");
        assert_eq!(headline_count(1.5e13, Locale::Zh), "150,000.0亿");
        assert_eq!(headline_money(45_824_793.0, Locale::En, "¥"), "¥45.8M");
        assert_eq!(headline_money(4_582_479.0, Locale::En, "¥"), "¥4,582,479");
        assert_eq!(headline_money(-45_824_793.0, Locale::En, "$"), "-$45.8M");
        assert_eq!(headline_money(45_824_793.0, Locale::Zh, "¥"), "¥4,582.48万");
        assert_eq!(headline_money(-99_999_600.0, Locale::Zh, "¥"), "-¥1.0亿");
        assert_eq!(headline_money(0.5, Locale::En, "SGD "), "SGD 0.50");
    }

    #[test]
    fn browser_tags_choose_the_language() {
        assert_eq!(Locale::from_tag("zh-CN"), Locale::Zh);
        assert_eq!(Locale::from_tag("zh-Hans-CN"), Locale::Zh);
        assert_eq!(Locale::from_tag("en-GB"), Locale::En);
        assert_eq!(Locale::from_tag("fr"), Locale::En);
    }
}
