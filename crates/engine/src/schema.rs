//! The table kinds the engine understands, their canonical fields, and the
//! header spellings (English and Chinese, as real exports write them) that map
//! onto each field. `docs/fields.md` is the readable copy of this file.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// What one row of a table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Notes,
    Costs,
    Orders,
    Touchpoints,
    Paths,
    Kols,
    Surveys,
    Comments,
}

impl Kind {
    /// True for the tables attribution reads its journeys from (a
    /// touchpoint log, or paths already counted).
    pub fn holds_journeys(self) -> bool {
        matches!(self, Kind::Touchpoints | Kind::Paths)
    }

    pub const ALL: [Kind; 8] = [
        Kind::Notes,
        Kind::Costs,
        Kind::Orders,
        Kind::Touchpoints,
        Kind::Paths,
        Kind::Kols,
        Kind::Surveys,
        Kind::Comments,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Notes => "notes",
            Kind::Costs => "costs",
            Kind::Orders => "orders",
            Kind::Touchpoints => "touchpoints",
            Kind::Paths => "paths",
            Kind::Kols => "kols",
            Kind::Surveys => "surveys",
            Kind::Comments => "comments",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            Kind::Notes => NOTES,
            Kind::Costs => COSTS,
            Kind::Orders => ORDERS,
            Kind::Touchpoints => TOUCHPOINTS,
            Kind::Paths => PATHS,
            Kind::Kols => KOLS,
            Kind::Surveys => SURVEYS,
            Kind::Comments => COMMENTS,
        }
    }

    /// The fields two rows share when one repeats the other (the same order
    /// id; the same note on the same date). Empty: rows never repeat.
    pub fn identity_fields(self) -> &'static [&'static str] {
        match self {
            Kind::Orders => &["order_id"],
            Kind::Notes => &["note_id", "date"],
            _ => &[],
        }
    }

    /// Position of a canonical field in [`Kind::fields`].
    pub fn field_index(self, name: &str) -> Option<usize> {
        self.fields().iter().position(|f| f.name == name)
    }
}

/// How the cells of a field are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Kept as text (dictionary-encoded).
    Text,
    /// A number; `万`, `%`, currency marks and separators are understood.
    Number,
    /// A date or date-time.
    Time,
    /// Yes or no, kept as 1 or 0.
    Flag,
    /// One of the five cost categories, kept as its canonical name.
    CostCategory,
}

/// One canonical field of a table kind.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub name: &'static str,
    pub ty: FieldType,
    /// A row whose required field is missing or unreadable is rejected.
    pub required: bool,
    /// Header spellings, compared after [`normalize_header`].
    pub aliases: &'static [&'static str],
}

const fn field(
    name: &'static str,
    ty: FieldType,
    required: bool,
    aliases: &'static [&'static str],
) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required,
        aliases,
    }
}

use FieldType::{Flag, Number, Text, Time};
const CATEGORY: FieldType = FieldType::CostCategory;

pub static NOTES: &[FieldSpec] = &[
    field(
        "note_id",
        Text,
        true,
        &["note id", "笔记id", "笔记ID", "笔记编号", "id", "noteid"],
    ),
    field(
        "title",
        Text,
        false,
        &["笔记标题", "标题", "note title", "笔记名称"],
    ),
    field(
        "published_at",
        Time,
        false,
        &[
            "首次发布时间",
            "发布时间",
            "发布日期",
            "publish time",
            "published",
            "post date",
            "publish date",
        ],
    ),
    field(
        "date",
        Time,
        false,
        &["日期", "数据日期", "统计日期", "day", "stat date"],
    ),
    field(
        "format",
        Text,
        false,
        &["体裁", "笔记类型", "内容形式", "note type", "type"],
    ),
    field(
        "account",
        Text,
        false,
        &[
            "账号",
            "达人",
            "博主",
            "作者",
            "kol",
            "达人昵称",
            "博主昵称",
            "账号名称",
            "creator",
            "author",
        ],
    ),
    field(
        "campaign",
        Text,
        false,
        &["活动", "项目", "营销活动", "campaign name", "战役"],
    ),
    field(
        "content_type",
        Text,
        false,
        &["内容类型", "内容类别", "content category", "category"],
    ),
    field("tags", Text, false, &["标签", "话题", "tag", "topics"]),
    field(
        "impressions",
        Number,
        false,
        &[
            "曝光",
            "曝光量",
            "曝光数",
            "展现量",
            "impression",
            "exposure",
        ],
    ),
    field(
        "views",
        Number,
        false,
        &[
            "观看量",
            "阅读量",
            "浏览量",
            "阅读",
            "观看",
            "浏览",
            "阅读数",
            "观看数",
            "view",
            "reads",
            "plays",
            "播放量",
        ],
    ),
    field(
        "likes",
        Number,
        false,
        &["点赞", "点赞量", "点赞数", "like"],
    ),
    field(
        "saves",
        Number,
        false,
        &[
            "收藏",
            "收藏量",
            "收藏数",
            "save",
            "collects",
            "collections",
        ],
    ),
    field(
        "comments",
        Number,
        false,
        &["评论", "评论量", "评论数", "comment"],
    ),
    field(
        "shares",
        Number,
        false,
        &["分享", "分享量", "分享数", "share", "转发"],
    ),
    field(
        "new_followers",
        Number,
        false,
        &[
            "涨粉",
            "涨粉数",
            "新增粉丝",
            "粉丝增量",
            "new follows",
            "follower growth",
            "follows",
        ],
    ),
    field(
        "product_clicks",
        Number,
        false,
        &[
            "商品点击",
            "商品点击量",
            "商品点击数",
            "进店",
            "product click",
            "clicks",
        ],
    ),
    field(
        "cover_ctr",
        Number,
        false,
        &["封面点击率", "点击率", "ctr", "cover click rate"],
    ),
    field(
        "avg_watch_seconds",
        Number,
        false,
        &[
            "人均观看时长",
            "平均观看时长",
            "avg watch time",
            "average watch time",
            "watch time",
        ],
    ),
    field(
        "search_views",
        Number,
        false,
        &["搜索流量", "搜索", "search traffic", "search"],
    ),
    field(
        "discovery_views",
        Number,
        false,
        &[
            "发现流量",
            "发现页流量",
            "discovery traffic",
            "discovery",
            "feed traffic",
        ],
    ),
];

pub static COSTS: &[FieldSpec] = &[
    field(
        "date",
        Time,
        false,
        &[
            "日期",
            "时间",
            "费用日期",
            "支付日期",
            "开始日期",
            "day",
            "spend date",
            "start date",
            "period start",
        ],
    ),
    field(
        "category",
        CATEGORY,
        true,
        &[
            "类别",
            "费用类别",
            "费用类型",
            "成本类别",
            "类型",
            "cost category",
            "cost type",
            "type",
        ],
    ),
    field(
        "amount",
        Number,
        true,
        &[
            "金额",
            "消耗",
            "花费",
            "费用",
            "成本",
            "支出",
            "cost",
            "spend",
            "fee",
            "amount cny",
        ],
    ),
    field("currency", Text, false, &["币种", "货币", "ccy"]),
    field(
        "campaign",
        Text,
        false,
        &["活动", "项目", "营销活动", "campaign name"],
    ),
    field(
        "note_id",
        Text,
        false,
        &["笔记id", "笔记ID", "笔记编号", "note"],
    ),
    field(
        "account",
        Text,
        false,
        &["账号", "达人", "博主", "kol", "达人昵称", "creator"],
    ),
    field(
        "pay_kind",
        Text,
        false,
        &[
            "付费方式",
            "合作方式",
            "结算方式",
            "payment type",
            "pay type",
        ],
    ),
    field(
        "description",
        Text,
        false,
        &[
            "说明",
            "备注",
            "描述",
            "摘要",
            "note text",
            "memo",
            "remark",
        ],
    ),
    // A cost with an end date is spread evenly over the days from `date` to
    // `end_date` (a retainer, a month of ads).
    field(
        "end_date",
        Time,
        false,
        &["结束日期", "截止日期", "end date", "period end", "until"],
    ),
    // Commission as a share of the revenue attributed to what the row is tied
    // to (added to `amount`): `15%` or `0.15`.
    field(
        "commission_rate",
        Number,
        false,
        &["佣金比例", "佣金率", "commission rate", "commission pct"],
    ),
];

pub static ORDERS: &[FieldSpec] = &[
    field(
        "order_id",
        Text,
        true,
        &[
            "订单号",
            "订单编号",
            "订单id",
            "主订单编号",
            "子订单编号",
            "order no",
            "order number",
            "id",
        ],
    ),
    field(
        "time",
        Time,
        true,
        &[
            "下单时间",
            "支付时间",
            "付款时间",
            "订单创建时间",
            "创建时间",
            "时间",
            "order time",
            "paid at",
            "created at",
            "date",
        ],
    ),
    field(
        "revenue",
        Number,
        true,
        &[
            "实付金额",
            "支付金额",
            "实收金额",
            "订单金额",
            "买家实付金额",
            "金额",
            "销售额",
            "gmv",
            "amount",
            "total",
            "order value",
            "value",
        ],
    ),
    field(
        "cogs",
        Number,
        false,
        &[
            "成本",
            "商品成本",
            "销售成本",
            "cost of goods",
            "cost of goods sold",
        ],
    ),
    field(
        "customer_id",
        Text,
        false,
        &[
            "客户id",
            "买家id",
            "用户id",
            "会员id",
            "买家昵称",
            "customer",
            "buyer id",
            "user id",
        ],
    ),
    field(
        "is_new_customer",
        Flag,
        false,
        &[
            "是否新客",
            "新客",
            "新老客",
            "new customer",
            "first order",
            "is new",
        ],
    ),
    field(
        "utm_source",
        Text,
        false,
        &["来源", "渠道来源", "流量来源", "source", "utmsource"],
    ),
    field("utm_medium", Text, false, &["媒介", "medium", "utmmedium"]),
    field(
        "utm_campaign",
        Text,
        false,
        &["活动", "utmcampaign", "campaign"],
    ),
    field(
        "promo_code",
        Text,
        false,
        &[
            "优惠码",
            "券码",
            "优惠券",
            "promo",
            "coupon",
            "coupon code",
            "discount code",
        ],
    ),
    field(
        "landing_page",
        Text,
        false,
        &["落地页", "着陆页", "landing", "landing url", "page"],
    ),
    field(
        "qr_code",
        Text,
        false,
        &["二维码", "二维码id", "qr", "qr id", "qrcode"],
    ),
    field(
        "store",
        Text,
        false,
        &["门店", "店铺", "店铺名称", "shop", "store name"],
    ),
    field(
        "survey_answer",
        Text,
        false,
        &[
            "问卷",
            "调查回答",
            "从哪里知道",
            "您从哪里了解到我们",
            "how did you hear",
            "survey",
        ],
    ),
];

pub static TOUCHPOINTS: &[FieldSpec] = &[
    field(
        "person_id",
        Text,
        true,
        &[
            "用户id",
            "用户",
            "访客id",
            "客户id",
            "user id",
            "user",
            "visitor id",
            "customer id",
            "cookie id",
        ],
    ),
    field(
        "time",
        Time,
        true,
        &[
            "时间",
            "发生时间",
            "事件时间",
            "timestamp",
            "event time",
            "date",
        ],
    ),
    // A touch names its channel, or where it came from (mapped to a channel
    // by the attribution's channel rules).
    field(
        "channel",
        Text,
        false,
        &["渠道", "来源渠道", "source", "medium", "touchpoint"],
    ),
    field("campaign", Text, false, &["活动", "campaign name"]),
    field("note_id", Text, false, &["笔记id", "笔记ID", "note"]),
    field(
        "event",
        Text,
        false,
        &["事件", "事件类型", "行为", "event type", "action"],
    ),
    field(
        "value",
        Number,
        false,
        &["金额", "转化价值", "conversion value", "revenue", "amount"],
    ),
    field("utm_source", Text, false, &["utmsource", "utm来源"]),
    field("utm_medium", Text, false, &["utmmedium", "utm媒介"]),
    field("utm_campaign", Text, false, &["utmcampaign"]),
    field(
        "referrer",
        Text,
        false,
        &["来源页", "来源网址", "referer", "referrer url", "ref"],
    ),
    field(
        "promo_code",
        Text,
        false,
        &["优惠码", "promo", "coupon", "coupon code"],
    ),
    field("qr_code", Text, false, &["二维码", "qr", "qrcode"]),
    field(
        "landing_page",
        Text,
        false,
        &["落地页", "landing", "landing url"],
    ),
];

pub static PATHS: &[FieldSpec] = &[
    field(
        "path",
        Text,
        true,
        &["路径", "转化路径", "journey", "channel path"],
    ),
    field(
        "conversions",
        Number,
        true,
        &[
            "total conversions",
            "totalconversions",
            "转化数",
            "转化次数",
            "conversion",
        ],
    ),
    field(
        "value",
        Number,
        false,
        &[
            "total conversion value",
            "totalconversionvalue",
            "转化价值",
            "conversion value",
            "revenue",
        ],
    ),
    field(
        "nulls",
        Number,
        false,
        &[
            "total null",
            "totalnull",
            "未转化",
            "未转化数",
            "non conversions",
            "null",
        ],
    ),
];

pub static KOLS: &[FieldSpec] = &[
    field(
        "account",
        Text,
        true,
        &[
            "账号",
            "达人",
            "博主",
            "达人昵称",
            "博主昵称",
            "kol",
            "name",
            "creator",
            "nickname",
            "昵称",
        ],
    ),
    field(
        "kol_id",
        Text,
        false,
        &["达人id", "博主id", "小红书号", "id", "account id"],
    ),
    field(
        "followers",
        Number,
        false,
        &["粉丝数", "粉丝", "粉丝量", "follower", "fans"],
    ),
    field(
        "tier",
        Text,
        false,
        &["层级", "达人层级", "级别", "等级", "level"],
    ),
    field(
        "fee",
        Number,
        false,
        &[
            "报价",
            "合作报价",
            "费用",
            "图文报价",
            "视频报价",
            "price",
            "rate",
            "quote",
        ],
    ),
    field("city", Text, false, &["城市", "所在城市", "location"]),
    field(
        "category",
        Text,
        false,
        &["领域", "内容领域", "类目", "niche", "vertical"],
    ),
    // The creator's own promo code: orders carrying it are credited to them.
    field(
        "promo_code",
        Text,
        false,
        &[
            "优惠码",
            "专属优惠码",
            "专属码",
            "券码",
            "promo",
            "coupon code",
            "discount code",
        ],
    ),
];

pub static SURVEYS: &[FieldSpec] = &[
    field(
        "respondent_id",
        Text,
        false,
        &[
            "订单号",
            "客户id",
            "用户id",
            "order id",
            "customer id",
            "respondent",
            "id",
        ],
    ),
    field(
        "time",
        Time,
        false,
        &["时间", "提交时间", "填写时间", "submitted at", "date"],
    ),
    field(
        "answer",
        Text,
        true,
        &[
            "回答",
            "答案",
            "您从哪里了解到我们",
            "从哪里知道",
            "how did you hear about us",
            "how did you hear",
            "source",
            "response",
        ],
    ),
];

pub static COMMENTS: &[FieldSpec] = &[
    field(
        "note_id",
        Text,
        true,
        &["笔记id", "笔记ID", "笔记编号", "note"],
    ),
    field(
        "text",
        Text,
        true,
        &["评论内容", "评论", "内容", "comment", "content", "body"],
    ),
    field(
        "time",
        Time,
        false,
        &["评论时间", "时间", "发布时间", "date", "created at"],
    ),
    field(
        "author",
        Text,
        false,
        &["评论人", "用户昵称", "用户", "user", "nickname"],
    ),
    field("likes", Number, false, &["点赞", "点赞数", "like"]),
];

/// `docs/fields.md`: every kind, its canonical fields and every header
/// spelling the reader knows, generated from the tables above so the
/// document cannot drift (a test compares them).
pub fn fields_markdown() -> String {
    let mut out = String::from(
        "# Canonical fields and header aliases\n\n\
         Generated by `xhs-roi fields` from `crates/engine/src/schema.rs`; a test fails when\n\
         this file and the code disagree. Headers match a field when they are equal after\n\
         folding full-width forms, lower-casing and removing spaces and punctuation\n\
         (`Total Conversions`, `total_conversions` and `ＴＯＴＡＬ　ＣＯＮＶＥＲＳＩＯＮＳ` are one\n\
         header). A canonical name wins over an alias; when two columns name one field, the\n\
         first is used and the other is listed as unused. A row missing a **required** field\n\
         is rejected and listed.\n",
    );
    for kind in Kind::ALL {
        out.push_str(&format!(
            "\n## {}\n\n| field | type | required | header spellings |\n|---|---|---|---|\n",
            kind.name()
        ));
        for f in kind.fields() {
            let ty = match f.ty {
                FieldType::Text => "text",
                FieldType::Number => "number",
                FieldType::Time => "date/time",
                FieldType::Flag => "yes/no",
                FieldType::CostCategory => "cost category",
            };
            let aliases: Vec<String> = f.aliases.iter().map(|a| format!("`{a}`")).collect();
            out.push_str(&format!(
                "| `{}` | {ty} | {} | {} |\n",
                f.name,
                if f.required { "yes" } else { "" },
                aliases.join(", ")
            ));
        }
    }
    out.push_str("\n## Cost categories\n\nThe `category` of a cost row is one of five; these spellings map to each:\n\n");
    for (category, names) in CostCategory::spellings() {
        let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        out.push_str(&format!("- `{}`: {}\n", category.name(), names.join(", ")));
    }
    out
}

/// Canonical form of a header for matching: full-width folded, lowercase,
/// with spaces, punctuation and symbols removed (`"Total Conversions"`,
/// `"total_conversions"` and `"ＴＯＴＡＬ　ＣＯＮＶＥＲＳＩＯＮＳ"` all become
/// `"totalconversions"`).
pub fn normalize_header(header: &str) -> String {
    crate::value::fold_width(header)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The field of `kind` that a header names, if any: first an exact canonical
/// name, then an alias.
pub fn match_header(kind: Kind, header: &str) -> Option<usize> {
    match_normalized(kind, &normalize_header(header))
}

/// [`match_header`] for a header already through [`normalize_header`]: a
/// file's header row is looked for among its first records and scored for
/// every kind, so each cell is normalized once and looked up many times.
pub fn match_normalized(kind: Kind, key: &str) -> Option<usize> {
    if key.is_empty() {
        return None;
    }
    normalized_names()[kind as usize].get(key).copied()
}

/// Per kind: every normalized canonical name and alias, with its field. A
/// canonical name wins over an alias, and an earlier field over a later.
fn normalized_names() -> &'static [HashMap<String, usize>] {
    static NAMES: std::sync::OnceLock<Vec<HashMap<String, usize>>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        Kind::ALL
            .iter()
            .map(|kind| {
                let fields = kind.fields();
                let mut names = HashMap::new();
                for (i, field) in fields.iter().enumerate() {
                    names.entry(normalize_header(field.name)).or_insert(i);
                }
                for (i, field) in fields.iter().enumerate() {
                    for alias in field.aliases {
                        names.entry(normalize_header(alias)).or_insert(i);
                    }
                }
                names
            })
            .collect()
    })
}

/// The five categories of marketing cost; each stays visible on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostCategory {
    /// Photography, video, copywriting, design.
    Content,
    /// KOL and KOC fees, gifts, commissions and platform service fees.
    Kol,
    /// Paid promotion: 聚光 ads, 薯条 boosts.
    Paid,
    /// Agency retainers and staff.
    Agency,
    /// Analytics tools and other technology.
    Technology,
}

impl CostCategory {
    pub const ALL: [CostCategory; 5] = [
        CostCategory::Content,
        CostCategory::Kol,
        CostCategory::Paid,
        CostCategory::Agency,
        CostCategory::Technology,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CostCategory::Content => "content",
            CostCategory::Kol => "kol",
            CostCategory::Paid => "paid",
            CostCategory::Agency => "agency",
            CostCategory::Technology => "technology",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// The spellings ledgers use for each category, in English and Chinese.
    pub fn spellings() -> [(CostCategory, &'static [&'static str]); 5] {
        [
            (
                CostCategory::Content,
                &[
                    "content",
                    "content creation",
                    "production",
                    "creative",
                    "内容",
                    "内容制作",
                    "内容创作",
                    "制作",
                    "拍摄",
                    "设计",
                    "文案",
                ],
            ),
            (
                CostCategory::Kol,
                &[
                    "kol",
                    "koc",
                    "kol fee",
                    "kol/koc",
                    "kol/koc fees",
                    "influencer",
                    "creator fee",
                    "达人",
                    "达人合作",
                    "达人费用",
                    "博主",
                    "博主合作",
                    "kol合作",
                    "koc合作",
                    "蒲公英",
                    "达人佣金",
                ],
            ),
            (
                CostCategory::Paid,
                &[
                    "paid",
                    "paid promotion",
                    "ads",
                    "advertising",
                    "promotion",
                    "media",
                    "投放",
                    "广告",
                    "付费推广",
                    "推广",
                    "聚光",
                    "薯条",
                    "信息流",
                ],
            ),
            (
                CostCategory::Agency,
                &[
                    "agency",
                    "staff",
                    "agency/staff",
                    "people",
                    "retainer",
                    "代理",
                    "代理费",
                    "代运营",
                    "人员",
                    "人力",
                    "服务费",
                    "agency费用",
                ],
            ),
            (
                CostCategory::Technology,
                &[
                    "technology",
                    "tech",
                    "tools",
                    "software",
                    "saas",
                    "技术",
                    "工具",
                    "软件",
                    "系统",
                    "数据工具",
                ],
            ),
        ]
    }

    /// Reads a category as ledgers write it, in English or Chinese.
    pub fn parse(text: &str) -> Option<CostCategory> {
        let key = normalize_header(text);
        Self::spellings()
            .iter()
            .find(|(_, names)| names.iter().any(|n| normalize_header(n) == key))
            .map(|(c, _)| *c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_ignoring_case_space_punctuation_and_width() {
        assert_eq!(match_header(Kind::Paths, "total_conversions"), Some(1));
        assert_eq!(match_header(Kind::Paths, "Total Conversions"), Some(1));
        assert_eq!(
            match_header(Kind::Paths, "ＴＯＴＡＬ　ＣＯＮＶＥＲＳＩＯＮＳ"),
            Some(1)
        );
        assert_eq!(
            match_header(Kind::Notes, "曝光量"),
            Kind::Notes.field_index("impressions")
        );
        assert_eq!(
            match_header(Kind::Notes, "阅读量"),
            Kind::Notes.field_index("views")
        );
        assert_eq!(
            match_header(Kind::Notes, "首次发布时间"),
            Kind::Notes.field_index("published_at")
        );
        assert_eq!(match_header(Kind::Orders, "实付金额(元)"), None);
        assert_eq!(
            match_header(Kind::Orders, "实付金额"),
            Kind::Orders.field_index("revenue")
        );
    }

    #[test]
    fn canonical_names_win_over_aliases() {
        // "id" is an alias of note_id, but "note_id" itself is exact.
        assert_eq!(match_header(Kind::Notes, "note_id"), Some(0));
        assert_eq!(
            match_header(Kind::Costs, "category"),
            Kind::Costs.field_index("category")
        );
    }

    #[test]
    fn no_alias_is_claimed_twice_within_a_kind() {
        for kind in Kind::ALL {
            let mut seen = std::collections::HashMap::new();
            for field in kind.fields() {
                for name in std::iter::once(&field.name).chain(field.aliases) {
                    let key = normalize_header(name);
                    if let Some(other) = seen.insert(key.clone(), field.name) {
                        // An alias equal to another field's canonical name is shadowed
                        // by the canonical match, which is fine; anything else is a bug.
                        let canonical_clash = kind
                            .fields()
                            .iter()
                            .any(|f| normalize_header(f.name) == key);
                        assert!(
                            canonical_clash || other == field.name,
                            "{}: {key:?} claimed by {other} and {}",
                            kind.name(),
                            field.name
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn chinese_cost_categories_map_to_the_five() {
        assert_eq!(CostCategory::parse("内容制作"), Some(CostCategory::Content));
        assert_eq!(CostCategory::parse("达人合作"), Some(CostCategory::Kol));
        assert_eq!(CostCategory::parse("投放"), Some(CostCategory::Paid));
        assert_eq!(CostCategory::parse("聚光"), Some(CostCategory::Paid));
        assert_eq!(CostCategory::parse("代理"), Some(CostCategory::Agency));
        assert_eq!(CostCategory::parse("技术"), Some(CostCategory::Technology));
        assert_eq!(CostCategory::parse("KOL/KOC fees"), Some(CostCategory::Kol));
        assert_eq!(
            CostCategory::parse("Content creation"),
            Some(CostCategory::Content)
        );
        assert_eq!(CostCategory::parse("lunch"), None);
    }
}
