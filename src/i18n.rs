//! Every string the interface shows, in English and Simplified Chinese.
//!
//! One struct with a field per string: a language that misses a string does
//! not compile. Strings with values in them are plain `fn` pointers.

use xhs_roi_engine::csv::ReadError;
use xhs_roi_engine::format::{grouped, Locale};
use xhs_roi_engine::value::ValueError;
use xhs_roi_engine::{CostCategory, ProblemReason};

pub struct Texts {
    pub locale: Locale,
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub document_title: &'static str,
    pub language: &'static str,
    pub demo_badge: &'static str,
    pub files_badge: &'static str,
    pub loading: &'static str,
    pub drop_title: &'static str,
    pub drop_hint: &'static str,
    pub choose_files: &'static str,
    pub back_to_demo: &'static str,
    /// After going back to the demo: the user's files, set aside.
    pub demo_swap: fn(usize) -> String,
    pub download_demo: &'static str,
    pub margin_label: &'static str,
    pub margin_help: &'static str,
    pub section_reach: &'static str,
    pub section_engagement: &'static str,
    pub section_efficiency: &'static str,
    pub section_return: &'static str,
    pub impressions: &'static str,
    pub impressions_help: &'static str,
    pub views: &'static str,
    pub views_help: &'static str,
    pub interactions: &'static str,
    pub interactions_help: &'static str,
    pub engagement_rate: &'static str,
    pub engagement_rate_help: &'static str,
    pub save_rate: &'static str,
    pub save_rate_help: &'static str,
    pub cpe: &'static str,
    pub cpe_help: &'static str,
    pub cpv: &'static str,
    pub cpv_help: &'static str,
    pub cpm: &'static str,
    pub cpm_help: &'static str,
    pub cost_total: &'static str,
    pub cost_total_help: &'static str,
    pub revenue: &'static str,
    pub revenue_help: &'static str,
    pub roas: &'static str,
    pub roas_help: &'static str,
    pub roi: &'static str,
    pub roi_help: &'static str,
    pub orders: &'static str,
    pub aov: &'static str,
    pub cost_content: &'static str,
    pub cost_kol: &'static str,
    pub cost_paid: &'static str,
    pub cost_agency: &'static str,
    pub cost_technology: &'static str,
    pub weekly_title: &'static str,
    pub weekly_caption: &'static str,
    pub cost_title: &'static str,
    pub cost_caption: &'static str,
    pub no_dated_rows: &'static str,
    pub no_costs: &'static str,
    pub privacy_note: &'static str,
    pub import_title: &'static str,
    /// The report's heading: files, problems, rows rejected.
    pub import_summary: fn(usize, usize, usize) -> String,
    /// One file: rows read, with problems, rejected, duplicates, problems.
    pub import_row: fn(usize, usize, usize, usize, usize) -> String,
    pub kind_names: [&'static str; 8],
    pub unused_kind: &'static str,
    pub dismiss: &'static str,
    pub read_error: fn(&ReadError) -> &'static str,
    pub value_error: fn(ValueError) -> &'static str,
    pub problem_reason: fn(&ProblemReason) -> String,
    /// The problem table's columns: line, column, value, problem.
    pub problem_columns: [&'static str; 4],
    /// After the problems shown: how many more there are, and how many
    /// the download lists when it cannot hold them all (`Some`).
    pub problems_more: fn(usize, Option<usize>) -> String,
    pub fetch_failed: &'static str,
    pub mapping_title: &'static str,
    pub mapping_hint: &'static str,
    pub kind_label: &'static str,
    pub encoding_label: &'static str,
    pub delimiter_label: &'static str,
    pub delimiter_names: [&'static str; 4],
    pub header_row_label: &'static str,
    pub sheet_label: &'static str,
    pub dates_label: &'static str,
    pub day_first: &'static str,
    pub month_first: &'static str,
    pub from_data: &'static str,
    pub assumed: &'static str,
    pub not_used: &'static str,
    pub title_lines: &'static str,
    pub sniffing: &'static str,
    pub remembered: &'static str,
    pub remove: &'static str,
    pub import_files: fn(usize) -> String,
    pub discard_all: &'static str,
    pub reading: fn(&str) -> String,
    pub progress_line: fn(f64, &str, &str) -> String,
    /// Once a file is read, while its columns are set out on the page.
    pub preparing: &'static str,
    pub cancel: &'static str,
    pub cancelled: fn(&str) -> String,
    pub journeys_dropped: fn(&str) -> String,
    pub download_problems: &'static str,
    pub worker_broken: &'static str,
    pub attribution_title: &'static str,
    pub attribution_caption: fn(&str, &str) -> String,
    pub attribution_empty: &'static str,
    pub channel_label: &'static str,
    pub vs_last_touch: &'static str,
    pub xhs_tag: &'static str,
    pub interval_help: fn(u32) -> String,
    pub lookback_label: &'static str,
    pub half_life_label: &'static str,
    pub position_label: &'static str,
    /// The three presets, then "custom".
    pub position_presets: [&'static str; 4],
    /// First, middle and last touch, for custom weights.
    pub position_parts: [&'static str; 3],
    pub position_invalid: &'static str,
    pub markov_order_label: &'static str,
    pub bootstrap_label: &'static str,
    pub bootstrap_auto: &'static str,
    pub bootstrap_off: &'static str,
    pub resamples: fn(u32) -> String,
    /// Building journeys, rule models, Markov, then bootstrap `done` of `of`.
    pub attribution_stage: fn(usize, u32, u32) -> String,
    pub survey_title: &'static str,
    pub survey_caption: fn(&str) -> String,
    pub survey_hint: &'static str,
    pub survey_column: &'static str,
    pub platform_label: &'static str,
    /// In `survey::Platform::ALL` order.
    pub platform_names: [&'static str; 7],
    pub survey_unrecognised: fn(&str) -> String,
    pub removal_title: &'static str,
    pub removal_caption: &'static str,
    pub rules_title: &'static str,
    pub rules_help: &'static str,
    /// In `channels::SourceField` order.
    pub source_fields: [&'static str; 7],
    /// Equals, starts with, contains.
    pub match_kinds: [&'static str; 3],
    /// "and {field} {match} {patterns}".
    pub rule_and: fn(&str, &str, &str) -> String,
    pub rule_field_label: &'static str,
    pub rule_match_label: &'static str,
    pub rule_patterns_label: &'static str,
    pub rule_channel_label: &'static str,
    pub rule_actions_label: &'static str,
    pub move_up: &'static str,
    pub move_down: &'static str,
    pub delete_rule: &'static str,
    pub add_rule: &'static str,
    pub restore_rules: &'static str,
    pub unmatched_label: &'static str,
    pub no_source_label: &'static str,
    pub rule_deleted: fn(&str) -> String,
    pub undo: &'static str,
    pub days: fn(u32) -> String,
    pub paths_title: &'static str,
    pub top_paths_title: &'static str,
    pub path_label: &'static str,
    pub conversions_label: &'static str,
    pub share_label: &'static str,
    pub lengths_title: &'static str,
    pub touches_label: fn(usize, bool) -> String,
    pub journeys_label: &'static str,
    pub time_title: &'static str,
    pub days_label: fn(u32, u32) -> String,
    pub total_label: &'static str,
    pub model_names: [&'static str; 7],
    pub channel_names: [(&'static str, &'static str); 10],
    pub fatal_title: &'static str,
    pub fatal_body: &'static str,
    pub reload: &'static str,
    pub net_profit: &'static str,
    pub at_margin: fn(&str) -> String,
}

pub static EN: Texts = Texts {
    locale: Locale::En,
    app_name: "xhs-roi",
    tagline: "Xiaohongshu ROI, computed privately in your browser",
    document_title: "xhs-roi · Xiaohongshu marketing ROI",
    language: "Language",
    demo_badge: "Demo data · Lumière Lab serum launch, Mar–Aug 2026",
    files_badge: "Your files",
    loading: "Loading the demo dataset…",
    drop_title: "Drop your CSV exports here",
    drop_hint: "Notes, cost ledger and orders: read on this device, never uploaded.",
    choose_files: "Choose files",
    back_to_demo: "Back to demo data",
    demo_swap: |n| match n {
        1 => "Showing the demo data. Your file is set aside: undo brings it back; reading other files replaces it."
            .into(),
        n => format!(
            "Showing the demo data. Your {n} files are set aside: undo brings them back; reading other files replaces them."
        ),
    },
    download_demo: "Demo CSVs as templates",
    margin_label: "Gross margin",
    margin_help: "Share of revenue left after the cost of goods.",
    section_reach: "Reach",
    section_engagement: "Engagement",
    section_efficiency: "Cost efficiency",
    section_return: "Return",
    impressions: "Impressions",
    impressions_help: "Times notes were shown (曝光)",
    views: "Views",
    views_help: "Times notes were opened (阅读)",
    interactions: "Interactions",
    interactions_help: "Likes + saves + comments",
    engagement_rate: "Engagement rate",
    engagement_rate_help: "Interactions ÷ views",
    save_rate: "Save rate",
    save_rate_help: "Saves ÷ views: purchase intent",
    cpe: "CPE",
    cpe_help: "Total cost ÷ interactions",
    cpv: "CPV",
    cpv_help: "Total cost ÷ views",
    cpm: "CPM",
    cpm_help: "Total cost per 1,000 impressions",
    cost_total: "Total cost",
    cost_total_help: "All five cost categories",
    revenue: "Revenue",
    revenue_help: "Orders traced to Xiaohongshu",
    roas: "ROAS",
    roas_help: "Revenue ÷ total cost",
    roi: "ROI",
    roi_help: "Net profit ÷ total cost",
    orders: "Orders",
    aov: "Average order",
    cost_content: "Content creation",
    cost_kol: "KOL / KOC fees",
    cost_paid: "Paid promotion",
    cost_agency: "Agency & staff",
    cost_technology: "Technology",
    weekly_title: "Impressions and interactions over time",
    weekly_caption: "Bars: impressions (left axis) · Line: interactions (right axis)",
    cost_title: "Cost by category",
    cost_caption: "The full ledger, not just creator fees",
    no_dated_rows: "No dated note rows to chart.",
    no_costs: "No cost ledger loaded.",
    privacy_note: "Everything is computed in this browser tab. No data leaves your device.",
    import_title: "Import report",
    import_summary: |files, problems, rejected| {
        let files = counted(files, "file", "files");
        match (problems, rejected) {
            (0, _) => format!("{files} · every value read"),
            (_, 0) => format!("{files} · {}, no rows rejected", counted(problems, "problem", "problems")),
            _ => format!(
                "{files} · {}, {} rejected",
                counted(problems, "problem", "problems"),
                counted(rejected, "row", "rows")
            ),
        }
    },
    import_row: |rows, with_problems, rejected, duplicates, problems| {
        let duplicates = match duplicates {
            0 => String::new(),
            d => format!(", {} counted once", counted(d, "duplicate", "duplicates")),
        };
        format!(
            "{} read ({} with problems), {} rejected{duplicates}, {}",
            counted(rows, "row", "rows"),
            grouped(with_problems as f64, 0),
            grouped(rejected as f64, 0),
            counted(problems, "problem", "problems")
        )
    },
    kind_names: ["Notes", "Costs", "Orders", "Touchpoints", "Paths", "KOLs", "Surveys", "Comments"],
    unused_kind: "read and checked; no panel shows this kind yet",
    dismiss: "Dismiss",
    read_error: |e| match e {
        ReadError::Empty => "the file is empty",
        ReadError::Pdf => "this is a PDF document, not a table: export the report as CSV or Excel instead",
        ReadError::Binary => "this looks like a binary file, not a table of text",
        ReadError::Zip => "this is a zip archive, not a table or an Excel workbook",
        ReadError::Xls => "this is a legacy Excel workbook (.xls): save it as .xlsx or CSV",
        ReadError::DamagedWorkbook => "the Excel workbook is damaged and could not be read",
        ReadError::UnknownEncoding => "the text encoding is not recognised (expected UTF-8, UTF-16 or GB18030)",
        ReadError::NoHeader => "no header row was found: the first lines name no columns this app knows",
    },
    value_error: |e| match e {
        ValueError::NotANumber => "not a number",
        ValueError::AmbiguousSeparator => "ambiguous thousands separator",
        ValueError::NotATime => "not a date or time",
        ValueError::NoSuchDate => "no such date",
        ValueError::NotAFlag => "not yes or no",
        ValueError::UnknownCategory => "unknown cost category",
    },
    problem_reason: |r| match r {
        ProblemReason::Unreadable(e) => (EN.value_error)(*e).to_string(),
        ProblemReason::RequiredUnreadable(e) => format!("{}; required, row rejected", (EN.value_error)(*e)),
        ProblemReason::RequiredMissing => "required value missing; row rejected".into(),
        ProblemReason::FieldCount { found, expected } => format!("row has {found} fields, the header has {expected}"),
        ProblemReason::ThousandsJoined { found, expected } => format!(
            "row has {found} fields, the header has {expected}: a number's thousands separator was the delimiter; read as one number"
        ),
        ProblemReason::Duplicate { first_line } => format!("duplicate of line {first_line}; counted once"),
        ProblemReason::InvalidText => "bytes that are not text in this encoding were replaced with �".into(),
        ProblemReason::UnterminatedQuote => {
            "a quote opened here is never closed; the rest of the file is in one cell".into()
        }
        ProblemReason::RepeatedHeader => "the header row again; skipped".into(),
        ProblemReason::DuplicateAcrossFiles { first_line } => {
            format!("repeats line {first_line} of an earlier file; counted once")
        }
    },
    problem_columns: ["Line", "Column", "Value", "Problem"],
    problems_more: |n, listed| match listed {
        None => format!("… and {} more in the download", grouped(n as f64, 0)),
        Some(listed) => format!(
            "… and {} more; the download lists the first {}",
            grouped(n as f64, 0),
            grouped(listed as f64, 0)
        ),
    },
    fetch_failed: "the demo file could not be loaded from this site",
    mapping_title: "Check how each file will be read",
    mapping_hint: "Detected from the file. Change anything that looks wrong; the preview follows.",
    kind_label: "Table",
    encoding_label: "Encoding",
    delimiter_label: "Delimiter",
    delimiter_names: ["comma ,", "semicolon ;", "tab", "pipe |"],
    header_row_label: "Header on line",
    sheet_label: "Sheet",
    dates_label: "Dates",
    day_first: "day first (25/03/2026)",
    month_first: "month first (03/25/2026)",
    from_data: "decided from the data",
    assumed: "assumed: no value tells",
    not_used: "— not used —",
    title_lines: "Title lines skipped",
    sniffing: "Reading the first rows…",
    remembered: "Using the mapping you confirmed for these headers",
    remove: "Remove",
    import_files: |n| if n == 1 { "Import 1 file".into() } else { format!("Import {n} files") },
    discard_all: "Discard",
    reading: |file| format!("Reading {file}"),
    progress_line: |percent, rows, speed| format!("{percent:.0}% · {rows} rows · {speed} rows/s"),
    preparing: "Read. Preparing the dashboard…",
    cancel: "Cancel",
    cancelled: |file| format!("{file}: import cancelled; nothing was changed"),
    journeys_dropped: |file| {
        format!("{file}: its journeys were dropped with the cancelled import; read it again for attribution")
    },
    download_problems: "Download problems (CSV)",
    worker_broken: "the file could not be read in the background; try again",
    attribution_title: "Attribution: every model side by side",
    attribution_caption: |journeys, conversions| {
        format!("Conversions credited to each channel, from {journeys} journeys with {conversions} conversions. Exact Markov and Shapley, computed on this device. Small figures: change against last touch.")
    },
    attribution_empty: "Load a touchpoint log or a paths table to compare attribution models.",
    channel_label: "Channel",
    vs_last_touch: "vs last touch",
    xhs_tag: "Xiaohongshu",
    interval_help: |n| format!("95% bootstrap interval ({n} resamples of the journeys, seeded: the same every time)"),
    lookback_label: "Lookback window",
    half_life_label: "Time-decay half-life",
    position_label: "Position-based weights",
    position_presets: ["U-shaped 40/20/40", "J-shaped 20/20/60", "Inverse J 60/20/20", "Custom…"],
    position_parts: ["First %", "Middle %", "Last %"],
    position_invalid: "Each weight is 0–100 and the three add up to 100.",
    markov_order_label: "Markov order",
    bootstrap_label: "Bootstrap intervals",
    bootstrap_auto: "Auto (200, or 30 above 200,000 journeys)",
    bootstrap_off: "Off",
    resamples: |n| format!("{n} resamples"),
    attribution_stage: |stage, done, of| match stage {
        0 => "Building journeys…".into(),
        1 => "Rule-based models and Shapley…".into(),
        2 => "Solving the Markov chain…".into(),
        _ => format!("Bootstrap intervals: {done} of {of} resamples"),
    },
    survey_title: "What customers say, beside what the models credit",
    survey_caption: |answers| format!("Share of conversions per platform under each model, beside the share of {answers} survey answers (“how did you hear about us?”) naming that platform."),
    survey_hint: "Load survey answers (“how did you hear about us?”) to see self-reported sources beside the models.",
    survey_column: "Survey",
    platform_label: "Platform",
    platform_names: ["Xiaohongshu", "WeChat", "Douyin", "Tmall", "JD", "Offline store", "Other"],
    survey_unrecognised: |list| format!("Answers naming no platform, counted as Other: {list}"),
    removal_title: "Markov removal effects",
    removal_caption: "Share of conversions · of conversion value that would be lost if the channel were removed from every journey.",
    rules_title: "Channel rules",
    rules_help: "For touches without a channel: the first rule whose pattern matches the touch's source names its channel (case and surrounding spaces ignored; several patterns separated by commas). A channel given in the file always wins.",
    source_fields: ["utm_source", "utm_medium", "utm_campaign", "Referrer", "Promo code", "QR code", "Landing page"],
    match_kinds: ["is", "starts with", "contains"],
    rule_and: |field, kind, patterns| format!("and {field} {kind} {patterns}"),
    rule_field_label: "Source",
    rule_match_label: "Match",
    rule_patterns_label: "Patterns",
    rule_channel_label: "Channel",
    rule_actions_label: "Order and delete",
    move_up: "Move up",
    move_down: "Move down",
    delete_rule: "Delete rule",
    add_rule: "Add rule",
    restore_rules: "Restore the default rules",
    unmatched_label: "Source no rule knows",
    no_source_label: "No source at all",
    rule_deleted: |channel| format!("Rule for “{channel}” deleted."),
    undo: "Undo",
    days: |n| if n == 1 { "1 day".into() } else { format!("{n} days") },
    paths_title: "Path explorer",
    top_paths_title: "Most common converting paths",
    path_label: "Path",
    conversions_label: "Conversions",
    share_label: "Share",
    lengths_title: "Journey length",
    touches_label: |n, more| if more { format!("{n}+ touches") } else if n == 1 { "1 touch".into() } else { format!("{n} touches") },
    journeys_label: "Journeys",
    time_title: "First touch to conversion",
    days_label: |from, to| match (from, to) {
        (0, 1) => "same day".into(),
        (f, 0) => format!("{f}+ days"),
        (f, t) => format!("{f}–{} days", t - 1),
    },
    total_label: "Total",
    model_names: ["First touch", "Last touch", "Linear", "Position-based", "Time decay", "Markov", "Shapley"],
    channel_names: [
        ("xhs_note", "Xiaohongshu note"),
        ("xhs_search", "Xiaohongshu search"),
        ("kol_note", "KOL note"),
        ("juguang_ads", "Juguang ads"),
        ("wechat", "WeChat"),
        ("tmall", "Tmall"),
        ("jd", "JD"),
        ("douyin", "Douyin"),
        ("offline_store", "Offline store"),
        ("direct", "Direct"),
    ],
    fatal_title: "Something went wrong",
    fatal_body: "The app hit an internal error and stopped. Your files never left this device. Reload to start again.",
    reload: "Reload",
    net_profit: "Net profit",
    at_margin: |margin| format!("at {margin} gross margin"),
};

pub static ZH: Texts = Texts {
    locale: Locale::Zh,
    app_name: "xhs-roi",
    tagline: "小红书投放回报，在浏览器里私密计算",
    document_title: "xhs-roi · 小红书营销 ROI",
    language: "语言",
    demo_badge: "示例数据 · 悦光实验室精华上市，2026年3月至8月",
    files_badge: "您的文件",
    loading: "正在加载示例数据…",
    drop_title: "将 CSV 导出文件拖到这里",
    drop_hint: "笔记、成本台账和订单：只在本机读取，绝不上传。",
    choose_files: "选择文件",
    back_to_demo: "返回示例数据",
    demo_swap: |n| format!("正在显示示例数据。您的 {n} 个文件已暂存：撤销即可恢复；读取其他文件会替换它们。"),
    download_demo: "下载示例 CSV 模板",
    margin_label: "毛利率",
    margin_help: "扣除商品成本后留下的收入比例。",
    section_reach: "曝光触达",
    section_engagement: "互动",
    section_efficiency: "成本效率",
    section_return: "回报",
    impressions: "曝光",
    impressions_help: "笔记被展示的次数",
    views: "阅读",
    views_help: "笔记被打开的次数",
    interactions: "互动量",
    interactions_help: "点赞 + 收藏 + 评论",
    engagement_rate: "互动率",
    engagement_rate_help: "互动量 ÷ 阅读",
    save_rate: "收藏率",
    save_rate_help: "收藏 ÷ 阅读：购买意向",
    cpe: "互动单价 CPE",
    cpe_help: "总成本 ÷ 互动量",
    cpv: "阅读单价 CPV",
    cpv_help: "总成本 ÷ 阅读",
    cpm: "千次曝光成本 CPM",
    cpm_help: "每千次曝光的总成本",
    cost_total: "总成本",
    cost_total_help: "五类成本合计",
    revenue: "收入",
    revenue_help: "可追溯到小红书的订单",
    roas: "广告支出回报 ROAS",
    roas_help: "收入 ÷ 总成本",
    roi: "投资回报率 ROI",
    roi_help: "净利润 ÷ 总成本",
    orders: "订单数",
    aov: "客单价",
    cost_content: "内容制作",
    cost_kol: "达人合作",
    cost_paid: "付费推广",
    cost_agency: "代理与人员",
    cost_technology: "技术工具",
    weekly_title: "曝光与互动走势",
    weekly_caption: "柱：曝光（左轴）· 线：互动量（右轴）",
    cost_title: "各类成本",
    cost_caption: "完整成本台账，而不只是达人费用",
    no_dated_rows: "没有带日期的笔记数据可绘制。",
    no_costs: "尚未加载成本台账。",
    privacy_note: "所有计算都在本浏览器标签页内完成，数据不会离开您的设备。",
    import_title: "导入报告",
    import_summary: |files, problems, rejected| {
        // Exact counts: 50,000 rather than 5.00万 in a report of what was read.
        let n = |v: usize| grouped(v as f64, 0);
        match (problems, rejected) {
            (0, _) => format!("{} 个文件 · 所有值均已读取", n(files)),
            (_, 0) => format!("{} 个文件 · 问题 {} 个，没有拒绝的行", n(files), n(problems)),
            _ => format!("{} 个文件 · 问题 {} 个，拒绝 {} 行", n(files), n(problems), n(rejected)),
        }
    },
    import_row: |rows, with_problems, rejected, duplicates, problems| {
        let n = |v: usize| grouped(v as f64, 0);
        let duplicates = match duplicates {
            0 => String::new(),
            d => format!("，重复 {} 行（只计一次）", n(d)),
        };
        format!(
            "读取 {} 行（其中 {} 行有问题），拒绝 {} 行{duplicates}，问题 {} 个",
            n(rows),
            n(with_problems),
            n(rejected),
            n(problems)
        )
    },
    kind_names: [
        "笔记", "成本", "订单", "触点", "路径", "达人", "问卷", "评论",
    ],
    unused_kind: "已读取并检查；暂无面板使用此类数据",
    dismiss: "关闭",
    read_error: |e| match e {
        ReadError::Empty => "文件是空的",
        ReadError::Pdf => "这是 PDF 文档，不是表格：请将报表导出为 CSV 或 Excel",
        ReadError::Binary => "这似乎是二进制文件，而不是文本表格",
        ReadError::Zip => "这是压缩包，不是表格，也不是 Excel 工作簿",
        ReadError::Xls => "这是旧版 Excel 工作簿（.xls），请另存为 .xlsx 或 CSV",
        ReadError::DamagedWorkbook => "Excel 工作簿已损坏，无法读取",
        ReadError::UnknownEncoding => "无法识别文本编码（支持 UTF-8、UTF-16 和 GB18030）",
        ReadError::NoHeader => "找不到表头行：前几行没有本应用认识的列名",
    },
    value_error: |e| match e {
        ValueError::NotANumber => "不是数字",
        ValueError::AmbiguousSeparator => "千位分隔符有歧义",
        ValueError::NotATime => "不是日期或时间",
        ValueError::NoSuchDate => "日期不存在",
        ValueError::NotAFlag => "不是“是/否”",
        ValueError::UnknownCategory => "未知的成本类别",
    },
    problem_reason: |r| match r {
        ProblemReason::Unreadable(e) => (ZH.value_error)(*e).to_string(),
        ProblemReason::RequiredUnreadable(e) => {
            format!("{}；必填项，整行未导入", (ZH.value_error)(*e))
        }
        ProblemReason::RequiredMissing => "缺少必填值；整行未导入".into(),
        ProblemReason::FieldCount { found, expected } => {
            format!("该行有 {found} 个字段，表头有 {expected} 个")
        }
        ProblemReason::ThousandsJoined { found, expected } => {
            format!("该行有 {found} 个字段，表头有 {expected} 个：数字的千位分隔符与分隔符相同，已合并为一个数字")
        }
        ProblemReason::Duplicate { first_line } => format!("与第 {first_line} 行重复；只计一次"),
        ProblemReason::InvalidText => "含有该编码下无法识别的字节，已替换为 �".into(),
        ProblemReason::UnterminatedQuote => {
            "此处的引号没有闭合；文件其余内容都落入了同一个单元格".into()
        }
        ProblemReason::RepeatedHeader => "重复的表头行；已跳过".into(),
        ProblemReason::DuplicateAcrossFiles { first_line } => {
            format!("与之前文件的第 {first_line} 行重复；只计一次")
        }
    },
    problem_columns: ["行号", "列", "原值", "问题"],
    problems_more: |n, listed| match listed {
        None => format!("…… 另有 {} 个，见下载文件", grouped(n as f64, 0)),
        Some(listed) => format!(
            "…… 另有 {} 个；下载文件列出前 {} 个",
            grouped(n as f64, 0),
            grouped(listed as f64, 0)
        ),
    },
    fetch_failed: "无法从本站加载示例文件",
    mapping_title: "确认每个文件的读取方式",
    mapping_hint: "以下为自动识别结果。如有不对请修改，预览会随之更新。",
    kind_label: "表格类型",
    encoding_label: "编码",
    delimiter_label: "分隔符",
    delimiter_names: ["逗号 ,", "分号 ;", "制表符", "竖线 |"],
    header_row_label: "表头所在行",
    sheet_label: "工作表",
    dates_label: "日期",
    day_first: "日在前（25/03/2026）",
    month_first: "月在前（03/25/2026）",
    from_data: "根据数据判断",
    assumed: "默认：数据无法判断",
    not_used: "— 不使用 —",
    title_lines: "已跳过的标题行",
    sniffing: "正在读取前几行…",
    remembered: "已套用您之前为这些表头确认的映射",
    remove: "移除",
    import_files: |n| format!("导入 {n} 个文件"),
    discard_all: "放弃",
    reading: |file| format!("正在读取 {file}"),
    progress_line: |percent, rows, speed| format!("{percent:.0}% · {rows} 行 · 每秒 {speed} 行"),
    preparing: "已读取，正在准备看板…",
    cancel: "取消",
    cancelled: |file| format!("{file}：已取消导入，数据未改变"),
    journeys_dropped: |file| format!("{file}：其触点路径随取消的导入一并丢弃；如需归因分析，请重新读取该文件"),
    download_problems: "下载问题清单（CSV）",
    worker_broken: "后台读取文件失败，请重试",
    attribution_title: "归因：各模型并列对比",
    attribution_caption: |journeys, conversions| {
        format!("各渠道获得的转化归因，基于 {journeys} 条用户路径、{conversions} 次转化。马尔可夫与 Shapley 为精确解，全部在本设备计算。小字：相对末次触点的变化。")
    },
    attribution_empty: "导入触点日志或路径表后，即可对比各归因模型。",
    channel_label: "渠道",
    vs_last_touch: "相对末次触点",
    xhs_tag: "小红书",
    interval_help: |n| {
        format!("95% 自助法区间（对用户路径重抽样 {n} 次，固定随机种子，结果可复现）")
    },
    lookback_label: "回溯窗口",
    half_life_label: "时间衰减半衰期",
    position_label: "位置加权权重",
    position_presets: [
        "U 型 40/20/40",
        "J 型 20/20/60",
        "反 J 型 60/20/20",
        "自定义…",
    ],
    position_parts: ["首次 %", "中间 %", "末次 %"],
    position_invalid: "每项权重在 0–100 之间，三项合计须为 100。",
    markov_order_label: "马尔可夫阶数",
    bootstrap_label: "自助法区间",
    bootstrap_auto: "自动（200 次；超过 20 万条路径时 30 次）",
    bootstrap_off: "关闭",
    resamples: |n| format!("重抽样 {n} 次"),
    attribution_stage: |stage, done, of| match stage {
        0 => "正在整理用户路径…".into(),
        1 => "正在计算规则模型与 Shapley…".into(),
        2 => "正在求解马尔可夫链…".into(),
        _ => format!("自助法区间：已完成 {done}/{of} 次重抽样"),
    },
    survey_title: "顾客自述与模型归因对照",
    survey_caption: |answers| {
        format!("各模型下每个平台获得的转化占比，旁边是 {answers} 份问卷（“您从哪里了解到我们？”）中提到该平台的比例。")
    },
    survey_hint: "导入问卷回答（“您从哪里了解到我们？”）后，可在此对照顾客自述的来源与模型归因。",
    survey_column: "问卷自述",
    platform_label: "平台",
    platform_names: ["小红书", "微信", "抖音", "天猫", "京东", "线下门店", "其他"],
    survey_unrecognised: |list| format!("未提到平台、计入“其他”的回答：{list}"),
    removal_title: "马尔可夫移除效应",
    removal_caption: "若从所有路径中去掉该渠道，将损失的转化占比 · 转化价值占比。",
    rules_title: "渠道规则",
    rules_help: "用于没有渠道的触点：按顺序匹配触点的来源，第一条命中的规则决定渠道（不区分大小写，忽略首尾空格；多个匹配值用逗号分隔）。文件中已写明的渠道始终优先。",
    source_fields: ["utm_source", "utm_medium", "utm_campaign", "来源页", "优惠码", "二维码", "落地页"],
    match_kinds: ["等于", "开头是", "包含"],
    rule_and: |field, kind, patterns| format!("且 {field} {kind} {patterns}"),
    rule_field_label: "来源字段",
    rule_match_label: "匹配方式",
    rule_patterns_label: "匹配值",
    rule_channel_label: "渠道",
    rule_actions_label: "排序与删除",
    move_up: "上移",
    move_down: "下移",
    delete_rule: "删除规则",
    add_rule: "添加规则",
    restore_rules: "恢复默认规则",
    unmatched_label: "无规则匹配的来源",
    no_source_label: "完全没有来源",
    rule_deleted: |channel| format!("已删除“{channel}”的规则。"),
    undo: "撤销",
    days: |n| format!("{n} 天"),
    paths_title: "路径分析",
    top_paths_title: "最常见的转化路径",
    path_label: "路径",
    conversions_label: "转化数",
    share_label: "占比",
    lengths_title: "路径长度",
    touches_label: |n, more| {
        if more {
            format!("{n} 个及以上触点")
        } else {
            format!("{n} 个触点")
        }
    },
    journeys_label: "路径数",
    time_title: "首次触点到转化",
    days_label: |from, to| match (from, to) {
        (0, 1) => "当天".into(),
        (f, 0) => format!("{f} 天及以上"),
        (f, t) => format!("{f}–{} 天", t - 1),
    },
    total_label: "合计",
    model_names: [
        "首次触点",
        "末次触点",
        "线性",
        "位置加权",
        "时间衰减",
        "马尔可夫",
        "Shapley",
    ],
    channel_names: [
        ("xhs_note", "小红书笔记"),
        ("xhs_search", "小红书搜索"),
        ("kol_note", "达人笔记"),
        ("juguang_ads", "聚光广告"),
        ("wechat", "微信"),
        ("tmall", "天猫"),
        ("jd", "京东"),
        ("douyin", "抖音"),
        ("offline_store", "线下门店"),
        ("direct", "直接访问"),
    ],
    fatal_title: "出错了",
    fatal_body: "应用遇到内部错误已停止。您的文件从未离开本设备。请重新加载。",
    reload: "重新加载",
    net_profit: "净利润",
    at_margin: |margin| format!("（毛利率 {margin}）"),
};

/// Display names of the canonical fields: (field, English, Chinese).
pub static FIELD_LABELS: &[(&str, &str, &str)] = &[
    ("note_id", "Note ID", "笔记ID"),
    ("title", "Title", "标题"),
    ("published_at", "Published", "发布时间"),
    ("date", "Date", "日期"),
    ("format", "Format", "体裁"),
    ("account", "Account", "账号"),
    ("campaign", "Campaign", "活动"),
    ("content_type", "Content type", "内容类型"),
    ("tags", "Tags", "标签"),
    ("impressions", "Impressions", "曝光"),
    ("views", "Views", "阅读"),
    ("likes", "Likes", "点赞"),
    ("saves", "Saves", "收藏"),
    ("comments", "Comments", "评论"),
    ("shares", "Shares", "分享"),
    ("new_followers", "New followers", "涨粉"),
    ("product_clicks", "Product clicks", "商品点击"),
    ("cover_ctr", "Cover CTR", "封面点击率"),
    (
        "avg_watch_seconds",
        "Avg watch time (s)",
        "人均观看时长（秒）",
    ),
    ("search_views", "Search views", "搜索流量"),
    ("discovery_views", "Discovery views", "发现流量"),
    ("category", "Category", "类别"),
    ("amount", "Amount", "金额"),
    ("currency", "Currency", "币种"),
    ("pay_kind", "Pay kind", "付费方式"),
    ("description", "Description", "说明"),
    ("order_id", "Order ID", "订单号"),
    ("time", "Time", "时间"),
    ("revenue", "Revenue", "实付金额"),
    ("cogs", "COGS", "商品成本"),
    ("customer_id", "Customer ID", "客户ID"),
    ("is_new_customer", "New customer", "是否新客"),
    ("utm_source", "utm_source", "utm_source"),
    ("utm_medium", "utm_medium", "utm_medium"),
    ("utm_campaign", "utm_campaign", "utm_campaign"),
    ("promo_code", "Promo code", "优惠码"),
    ("landing_page", "Landing page", "落地页"),
    ("qr_code", "QR code", "二维码"),
    ("referrer", "Referrer", "来源页"),
    ("end_date", "End date", "结束日期"),
    ("commission_rate", "Commission rate", "佣金比例"),
    ("store", "Store", "门店"),
    ("survey_answer", "Survey answer", "问卷回答"),
    ("person_id", "Person ID", "用户ID"),
    ("channel", "Channel", "渠道"),
    ("event", "Event", "事件"),
    ("value", "Value", "价值"),
    ("path", "Path", "路径"),
    ("conversions", "Conversions", "转化数"),
    ("nulls", "Non-conversions", "未转化数"),
    ("kol_id", "KOL ID", "达人ID"),
    ("followers", "Followers", "粉丝数"),
    ("tier", "Tier", "层级"),
    ("fee", "Fee", "报价"),
    ("city", "City", "城市"),
    ("respondent_id", "Respondent", "受访者"),
    ("answer", "Answer", "回答"),
    ("text", "Text", "内容"),
    ("author", "Author", "作者"),
];

/// The strings of a language.
/// `n` things in English: "1 problem", "23,350 problems".
fn counted(n: usize, one: &str, many: &str) -> String {
    match n {
        1 => format!("1 {one}"),
        _ => format!("{} {many}", grouped(n as f64, 0)),
    }
}

pub fn texts(locale: Locale) -> &'static Texts {
    match locale {
        Locale::En => &EN,
        Locale::Zh => &ZH,
    }
}

impl Texts {
    pub fn cost_category(&self, category: CostCategory) -> &'static str {
        match category {
            CostCategory::Content => self.cost_content,
            CostCategory::Kol => self.cost_kol,
            CostCategory::Paid => self.cost_paid,
            CostCategory::Agency => self.cost_agency,
            CostCategory::Technology => self.cost_technology,
        }
    }

    /// A channel's name for people (unknown channels as they are written).
    pub fn channel_name(&self, channel: &str) -> String {
        self.channel_names
            .iter()
            .find(|(id, _)| *id == channel)
            .map_or_else(|| channel.to_string(), |(_, name)| name.to_string())
    }

    /// A canonical field's name for people.
    pub fn field_label(&self, field: &str) -> String {
        let chinese = self.locale == Locale::Zh;
        FIELD_LABELS
            .iter()
            .find(|(name, _, _)| *name == field)
            .map(|(_, en, zh)| if chinese { zh } else { en }.to_string())
            .unwrap_or_else(|| field.to_string())
    }

    pub fn kind_name(&self, kind: xhs_roi_engine::Kind) -> &'static str {
        let index = xhs_roi_engine::Kind::ALL
            .iter()
            .position(|&k| k == kind)
            .unwrap_or(0);
        self.kind_names[index]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_import_report_counts_say_one_in_the_singular() {
        assert_eq!(
            (EN.import_summary)(1, 1, 0),
            "1 file · 1 problem, no rows rejected"
        );
        assert_eq!(
            (EN.import_summary)(2, 1, 1),
            "2 files · 1 problem, 1 row rejected"
        );
        assert_eq!((EN.import_summary)(3, 0, 0), "3 files · every value read");
        assert_eq!(
            (EN.import_row)(1, 0, 0, 1, 1),
            "1 row read (0 with problems), 0 rejected, 1 duplicate counted once, 1 problem"
        );
        assert_eq!(
            (EN.import_row)(50_000, 8_886, 2, 0, 23_350),
            "50,000 rows read (8,886 with problems), 2 rejected, 23,350 problems"
        );
        assert_eq!(
            (ZH.import_row)(3, 0, 0, 2, 2),
            "读取 3 行（其中 0 行有问题），拒绝 0 行，重复 2 行（只计一次），问题 2 个"
        );
    }

    #[test]
    fn english_problem_reasons_match_the_engine_messages() {
        // The CLI prints the engine's English; the app must say the same.
        use xhs_roi_engine::value::ValueError::*;
        let reasons = [
            ProblemReason::Unreadable(NotANumber),
            ProblemReason::RequiredUnreadable(NotATime),
            ProblemReason::Unreadable(AmbiguousSeparator),
            ProblemReason::Unreadable(NoSuchDate),
            ProblemReason::Unreadable(NotAFlag),
            ProblemReason::RequiredUnreadable(UnknownCategory),
            ProblemReason::RequiredMissing,
            ProblemReason::FieldCount {
                found: 2,
                expected: 3,
            },
            ProblemReason::ThousandsJoined {
                found: 14,
                expected: 13,
            },
            ProblemReason::Duplicate { first_line: 7 },
            ProblemReason::InvalidText,
            ProblemReason::UnterminatedQuote,
            ProblemReason::RepeatedHeader,
            ProblemReason::DuplicateAcrossFiles { first_line: 3 },
        ];
        for reason in reasons {
            assert_eq!((EN.problem_reason)(&reason), reason.to_string());
            assert_ne!((ZH.problem_reason)(&reason), reason.to_string());
        }
    }

    #[test]
    fn every_canonical_field_has_a_label_in_both_languages() {
        for kind in xhs_roi_engine::Kind::ALL {
            for field in kind.fields() {
                let entry = FIELD_LABELS.iter().find(|(name, _, _)| *name == field.name);
                assert!(entry.is_some(), "{} has no label", field.name);
            }
        }
    }

    #[test]
    fn no_chinese_string_is_left_in_english() {
        // Brand names and KPI acronyms may repeat; whole sentences may not.
        assert_ne!(EN.tagline, ZH.tagline);
        assert_ne!(EN.privacy_note, ZH.privacy_note);
        assert_ne!(EN.fatal_body, ZH.fatal_body);
        for (en, zh) in EN.kind_names.iter().zip(ZH.kind_names) {
            assert_ne!(*en, zh);
        }
    }
}
