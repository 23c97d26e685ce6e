//! Strings of the ROI view, in English and Simplified Chinese: a label per
//! KPI card and the controls' words. Kept beside `i18n.rs` so that file stays
//! readable; a test proves every KPI has both labels.

use xhs_roi_engine::format::Locale;
use xhs_roi_engine::roi::{GroupBy, KpiId, Objective};

/// `(kpi, English, 中文)`.
pub static KPI_LABELS: &[(KpiId, &str, &str)] = &[
    (KpiId::Impressions, "Impressions", "曝光"),
    (KpiId::ImpressionsGrowth, "Impressions growth", "曝光增长"),
    (KpiId::Views, "Views", "阅读"),
    (KpiId::CoverCtr, "Cover CTR", "封面点击率"),
    (KpiId::Interactions, "Interactions", "互动"),
    (KpiId::Likes, "Likes", "点赞"),
    (KpiId::Saves, "Saves", "收藏"),
    (KpiId::Comments, "Comments", "评论"),
    (KpiId::Shares, "Shares", "分享"),
    (KpiId::EngagementRate, "Engagement rate", "互动率"),
    (KpiId::SaveRate, "Save rate", "收藏率"),
    (KpiId::NewFollowers, "New followers", "涨粉"),
    (KpiId::FollowerGrowthRate, "Follower growth", "涨粉率"),
    (KpiId::SearchViews, "Search views", "搜索流量"),
    (KpiId::SearchShare, "Search share", "搜索占比"),
    (KpiId::BrandMentions, "Notes published", "发布笔记数"),
    (KpiId::UgcNotes, "Creator notes (UGC)", "达人笔记数"),
    (KpiId::ProductClicks, "Product clicks", "商品点击"),
    (KpiId::EcommerceCtr, "E-commerce CTR", "商品点击率"),
    (KpiId::Orders, "Orders", "订单"),
    (KpiId::ConversionRate, "Conversion rate", "转化率"),
    (KpiId::NewCustomers, "New customers", "新客"),
    (KpiId::Cpa, "CPA", "获客成本"),
    (KpiId::Aov, "AOV", "客单价"),
    (KpiId::Revenue, "Revenue", "收入"),
    (KpiId::Roas, "ROAS", "ROAS"),
    (KpiId::GrossProfit, "Gross profit", "毛利"),
    (KpiId::NetProfit, "Net profit", "净利润"),
    (KpiId::Roi, "ROI", "ROI"),
    (KpiId::CostTotal, "Total cost", "总成本"),
    (KpiId::CostContent, "Content creation", "内容制作"),
    (KpiId::CostKol, "KOL / KOC fees", "达人合作"),
    (KpiId::CostPaid, "Paid promotion", "付费投放"),
    (KpiId::CostAgency, "Agency / staff", "代理与人力"),
    (KpiId::CostTechnology, "Technology", "技术工具"),
    (KpiId::Cpe, "CPE", "互动单价"),
    (KpiId::Cpv, "CPV", "阅读单价"),
    (KpiId::Cpm, "CPM", "千次曝光成本"),
    (KpiId::Cpc, "CPC", "点击成本"),
    (KpiId::Emv, "Brand value (EMV)", "品牌价值（EMV）"),
    (KpiId::Clv, "Customer lifetime value", "客户终身价值"),
    (KpiId::FutureValue, "Future customer value", "新客未来价值"),
    (KpiId::BlendedRoi, "Blended ROI", "综合 ROI"),
    (KpiId::CommentSentiment, "Comment sentiment", "评论情感"),
    (KpiId::CommentThemes, "Comment themes", "评论主题"),
    (
        KpiId::KeywordPerformance,
        "Keyword performance",
        "关键词表现",
    ),
    (KpiId::AudienceAlignment, "Audience alignment", "受众匹配度"),
];

/// The words of the ROI view in one language.
pub struct RoiTexts {
    pub controls_title: &'static str,
    pub objective_label: &'static str,
    /// In `Objective::ALL` order.
    pub objectives: [&'static str; 4],
    pub period_label: &'static str,
    pub from_label: &'static str,
    pub to_label: &'static str,
    pub all_data: &'static str,
    pub last_days: fn(u32) -> String,
    pub baseline_label: &'static str,
    pub filters_label: &'static str,
    pub campaign_label: &'static str,
    pub format_label: &'static str,
    pub content_type_label: &'static str,
    pub tier_label: &'static str,
    pub account_label: &'static str,
    pub any: &'static str,
    /// In `KolTier::ALL` order.
    pub tiers: [&'static str; 6],
    pub currency_label: &'static str,
    pub rate_label: &'static str,
    pub value_settings: &'static str,
    pub emv_image_cpm: &'static str,
    pub emv_image_cpe: &'static str,
    pub emv_video_cpm: &'static str,
    pub emv_video_cpe: &'static str,
    pub clv_purchases: &'static str,
    pub clv_years: &'static str,
    pub weight_brand: &'static str,
    pub weight_future: &'static str,
    pub kol_multiplier: &'static str,
    pub lead_title: fn(&str) -> String,
    pub vs_previous: &'static str,
    pub vs_baseline: &'static str,
    pub not_computed: &'static str,
    pub all_kpis: &'static str,
    pub returns_title: &'static str,
    pub returns_caption: &'static str,
    pub direct_part: &'static str,
    pub brand_part: fn(&str) -> String,
    pub future_part: fn(&str) -> String,
    pub blended_total: &'static str,
    pub breakdown_title: &'static str,
    pub group_label: &'static str,
    /// In `GroupBy::ALL` order.
    pub groups: [&'static str; 6],
    pub name_column: &'static str,
    pub not_allocated: &'static str,
    pub total: &'static str,
    pub export_csv: &'static str,
    pub sort_hint: &'static str,
    pub funnel_title: &'static str,
    pub funnel_caption: &'static str,
    /// Impressions, views, interactions, product clicks, orders.
    pub funnel_stages: [&'static str; 5],
    pub kept: fn(&str) -> String,
    pub rankings_title: &'static str,
    pub rankings_caption: fn(&str) -> String,
    pub top_roi: &'static str,
    pub bottom_roi: &'static str,
    pub top_engagement: &'static str,
    pub bottom_engagement: &'static str,
    pub lifespan_title: &'static str,
    pub lifespan_caption: &'static str,
    pub evergreen_label: &'static str,
    pub cumulative_title: &'static str,
    pub by_day: fn(u32) -> String,
    pub still_earning_title: fn(usize) -> String,
    pub note_column: &'static str,
    pub age_column: &'static str,
    pub recent_column: &'static str,
    pub evergreen_column: &'static str,
    pub period_caption: fn(&str, &str) -> String,
}

static EN: RoiTexts = RoiTexts {
    controls_title: "View",
    objective_label: "Objective",
    objectives: ["Brand awareness", "Community", "Direct sales", "Market research"],
    period_label: "Period",
    from_label: "From",
    to_label: "To",
    all_data: "All data",
    last_days: |n| format!("Last {n} days"),
    baseline_label: "Baseline",
    filters_label: "Filters",
    campaign_label: "Campaign",
    format_label: "Format",
    content_type_label: "Content type",
    tier_label: "Creator tier",
    account_label: "Account",
    any: "All",
    tiers: ["Brand", "Head", "Mid", "Micro", "KOC", "Unknown"],
    currency_label: "Currency",
    rate_label: "CNY per unit",
    value_settings: "Value settings: brand value, lifetime value, blend, cost scenarios",
    emv_image_cpm: "Image note CPM ¥",
    emv_image_cpe: "Image note CPE ¥",
    emv_video_cpm: "Video note CPM ¥",
    emv_video_cpe: "Video note CPE ¥",
    clv_purchases: "Purchases per year",
    clv_years: "Years",
    weight_brand: "Weight of brand value",
    weight_future: "Weight of future value",
    kol_multiplier: "KOL fees ×",
    lead_title: |objective| format!("Leading KPIs for {objective}"),
    vs_previous: "vs previous period",
    vs_baseline: "vs baseline",
    not_computed: "needs comment or audience data",
    all_kpis: "All KPIs",
    returns_title: "Return: direct, brand value and future customers",
    returns_caption: "The three parts are shown apart and blended; future value leaves out the first order's margin, so nothing counts twice.",
    direct_part: "Direct net profit",
    brand_part: |w| format!("Brand value (EMV) × {w}"),
    future_part: |w| format!("Future customer value × {w}"),
    blended_total: "Blended return",
    breakdown_title: "Breakdown",
    group_label: "By",
    groups: ["Note", "KOL", "Tier", "Format", "Content type", "Campaign"],
    name_column: "Name",
    not_allocated: "(not allocated)",
    total: "Total",
    export_csv: "Export CSV",
    sort_hint: "Click a column to sort",
    funnel_title: "Funnel",
    funnel_caption: "From impressions to orders, with the share kept at each step.",
    funnel_stages: ["Impressions", "Views", "Interactions", "Product clicks", "Orders"],
    kept: |share| format!("{share} kept"),
    rankings_title: "Best and worst notes",
    rankings_caption: |views| format!("By ROI (notes with a cost) and by engagement rate (notes with at least {views} views), in the period and under the filters."),
    top_roi: "Highest ROI",
    bottom_roi: "Lowest ROI",
    top_engagement: "Most engaging",
    bottom_engagement: "Least engaging",
    lifespan_title: "Content lifespan",
    lifespan_caption: "How a note's engagement builds up with its age, from daily note rows. Notes keep earning from search long after the feed forgets them.",
    evergreen_label: "Evergreen share (engagement after day 30):",
    cumulative_title: "Share of engagement reached by age",
    by_day: |age| if age == 0 { "Day of publication".into() } else { format!("By day {age}") },
    still_earning_title: |n| format!("Older than 90 days and still earning ({n})"),
    note_column: "Note",
    age_column: "Age (days)",
    recent_column: "Last 30 days",
    evergreen_column: "Evergreen share",
    period_caption: |from, to| format!("{from} – {to}"),
};

static ZH: RoiTexts = RoiTexts {
    controls_title: "视图",
    objective_label: "投放目标",
    objectives: ["品牌认知", "社区互动", "直接销售", "市场洞察"],
    period_label: "统计周期",
    from_label: "开始",
    to_label: "结束",
    all_data: "全部数据",
    last_days: |n| format!("最近 {n} 天"),
    baseline_label: "对比基线",
    filters_label: "筛选",
    campaign_label: "活动",
    format_label: "体裁",
    content_type_label: "内容类型",
    tier_label: "达人层级",
    account_label: "账号",
    any: "全部",
    tiers: ["品牌号", "头部", "腰部", "初级", "KOC", "未知"],
    currency_label: "币种",
    rate_label: "每单位折合人民币",
    value_settings: "价值设置：品牌价值、终身价值、综合权重、成本情景",
    emv_image_cpm: "图文 CPM ¥",
    emv_image_cpe: "图文 CPE ¥",
    emv_video_cpm: "视频 CPM ¥",
    emv_video_cpe: "视频 CPE ¥",
    clv_purchases: "每年购买次数",
    clv_years: "年数",
    weight_brand: "品牌价值权重",
    weight_future: "未来价值权重",
    kol_multiplier: "达人费用 ×",
    lead_title: |objective| format!("{objective}的核心指标"),
    vs_previous: "较上一周期",
    vs_baseline: "较基线",
    not_computed: "需要评论或受众数据",
    all_kpis: "全部指标",
    returns_title: "回报：直接收益、品牌价值与新客未来价值",
    returns_caption: "三部分分开展示并合计；未来价值已扣除首单毛利，不会重复计算。",
    direct_part: "直接净利润",
    brand_part: |w| format!("品牌价值（EMV）× {w}"),
    future_part: |w| format!("新客未来价值 × {w}"),
    blended_total: "综合回报",
    breakdown_title: "明细",
    group_label: "维度",
    groups: ["笔记", "达人", "层级", "体裁", "内容类型", "活动"],
    name_column: "名称",
    not_allocated: "（未归属）",
    total: "合计",
    export_csv: "导出 CSV",
    sort_hint: "点击列标题排序",
    funnel_title: "转化漏斗",
    funnel_caption: "从曝光到订单，每一步留存的比例。",
    funnel_stages: ["曝光", "阅读", "互动", "商品点击", "订单"],
    kept: |share| format!("留存 {share}"),
    rankings_title: "表现最好与最差的笔记",
    rankings_caption: |views| format!("按 ROI（有成本的笔记）和互动率（阅读不少于 {views} 的笔记）排序，均为所选周期和筛选条件下。"),
    top_roi: "ROI 最高",
    bottom_roi: "ROI 最低",
    top_engagement: "互动率最高",
    bottom_engagement: "互动率最低",
    lifespan_title: "内容生命周期",
    lifespan_caption: "笔记互动随发布天数的累积情况（来自按日的笔记数据）。信息流热度过去后，笔记仍会通过搜索持续带来互动。",
    evergreen_label: "长尾占比（发布 30 天后的互动）：",
    cumulative_title: "各天数累计达到的互动占比",
    by_day: |age| if age == 0 { "发布当天".into() } else { format!("第 {age} 天内") },
    still_earning_title: |n| format!("发布超过 90 天仍有互动的笔记（{n}）"),
    note_column: "笔记",
    age_column: "发布天数",
    recent_column: "近 30 天",
    evergreen_column: "长尾占比",
    period_caption: |from, to| format!("{from} 至 {to}"),
};

pub fn roi_texts(locale: Locale) -> &'static RoiTexts {
    match locale {
        Locale::Zh => &ZH,
        _ => &EN,
    }
}

pub fn kpi_label(id: KpiId, locale: Locale) -> &'static str {
    KPI_LABELS
        .iter()
        .find(|(k, _, _)| *k == id)
        .map(|&(_, en, zh)| if locale == Locale::Zh { zh } else { en })
        .unwrap_or_else(|| id.name())
}

pub fn objective_label(objective: Objective, locale: Locale) -> &'static str {
    let index = Objective::ALL
        .iter()
        .position(|&o| o == objective)
        .unwrap_or(0);
    roi_texts(locale).objectives[index]
}

pub fn group_label(by: GroupBy, locale: Locale) -> &'static str {
    let index = GroupBy::ALL.iter().position(|&g| g == by).unwrap_or(0);
    roi_texts(locale).groups[index]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kpi_has_a_label_in_both_languages() {
        for id in KpiId::ALL {
            let found = KPI_LABELS.iter().filter(|(k, _, _)| *k == id).count();
            assert_eq!(found, 1, "{id:?}");
        }
    }
}
