//! The charts' own strings (tooltips, the export button, axis words), in
//! English and Simplified Chinese. One struct per language, as in
//! `crate::i18n`: a language that misses a string does not compile.

use xhs_roi_engine::format::Locale;

pub struct ChartTexts {
    /// The export button's text.
    pub export_png: &'static str,
    /// What the export button does, for its `title` and `aria-label`.
    pub export_png_help: &'static str,
    /// Appended to a chart's accessible name: how to read its values.
    pub keyboard_hint: &'static str,
    pub total: &'static str,
    /// The scatter's axes (for the lead's panel).
    #[cfg_attr(not(test), allow(dead_code))]
    pub cost: &'static str,
    #[cfg_attr(not(test), allow(dead_code))]
    pub revenue: &'static str,
    pub roas: &'static str,
    /// The break-even line of the cost/return scatter.
    pub break_even: &'static str,
    /// The label of a bootstrap interval in a tooltip.
    pub interval: &'static str,
    /// The lifespan chart's x axis.
    pub age_axis: &'static str,
    /// `Day 30`: a note's age.
    pub day: fn(u32) -> String,
    /// A day on a time axis: `Mar 2`.
    pub day_label: fn(u32, u32) -> String,
    /// A month on a time axis: `Mar 2026`.
    pub month_label: fn(i32, u32) -> String,
    /// The week starting on the labelled day: `Week of Mar 2`.
    pub week_of: fn(&str) -> String,
    /// A name and its value in a tooltip: `Cost: ¥1,200`.
    pub pair: fn(&str, &str) -> String,
    /// A part's share of the whole: `59.8% of the total`.
    pub of_total: fn(&str) -> String,
    /// A funnel stage's share of the one before: `12.5% of Views`.
    pub share_of: fn(&str, &str) -> String,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month_name(month: u32) -> &'static str {
    MONTHS[(month as usize + 11) % 12]
}

pub static EN: ChartTexts = ChartTexts {
    export_png: "PNG",
    export_png_help: "Download this chart as a PNG image",
    keyboard_hint: "Focus the chart and use the arrow keys to read its values.",
    total: "Total",
    cost: "Cost",
    revenue: "Revenue",
    roas: "ROAS",
    break_even: "Break-even (ROAS 1)",
    interval: "95% interval",
    age_axis: "Days since publication",
    day: |n| format!("Day {n}"),
    day_label: |month, day| format!("{} {day}", month_name(month)),
    month_label: |year, month| format!("{} {year}", month_name(month)),
    week_of: |start| format!("Week of {start}"),
    pair: |name, value| format!("{name}: {value}"),
    of_total: |share| format!("{share} of the total"),
    share_of: |share, stage| format!("{share} of {stage}"),
};

pub static ZH: ChartTexts = ChartTexts {
    export_png: "PNG",
    export_png_help: "将此图表下载为 PNG 图片",
    keyboard_hint: "聚焦图表后用方向键逐一读出数值。",
    total: "合计",
    cost: "成本",
    revenue: "收入",
    roas: "ROAS",
    break_even: "盈亏平衡线（ROAS 1）",
    interval: "95% 区间",
    age_axis: "发布后天数",
    day: |n| format!("第 {n} 天"),
    day_label: |month, day| format!("{month}/{day}"),
    month_label: |year, month| format!("{year}年{month}月"),
    week_of: |start| format!("{start} 当周"),
    pair: |name, value| format!("{name}：{value}"),
    of_total: |share| format!("占合计 {share}"),
    share_of: |share, stage| format!("为{stage}的 {share}"),
};

/// The chart strings of a language.
pub fn chart_texts(locale: Locale) -> &'static ChartTexts {
    match locale {
        Locale::En => &EN,
        Locale::Zh => &ZH,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_language() {
        assert_eq!((EN.day_label)(3, 2), "Mar 2");
        assert_eq!((ZH.day_label)(3, 2), "3/2");
        assert_eq!((EN.month_label)(2026, 12), "Dec 2026");
        assert_eq!((ZH.month_label)(2026, 3), "2026年3月");
        assert_eq!((EN.week_of)("Mar 2"), "Week of Mar 2");
        assert_eq!((ZH.day)(30), "第 30 天");
        assert_eq!((EN.share_of)("8.3%", "Views"), "8.3% of Views");
        assert_eq!((EN.pair)("Cost", "¥1"), "Cost: ¥1");
        assert_eq!((ZH.pair)("成本", "¥1"), "成本：¥1");
    }
}
