//! `xhs-roi report`: the ROI view of the app on the command line. Flags fill
//! in the engine's `RoiSettings` (over an optional `--settings` JSON file);
//! the numbers come from the same `roi` functions the app calls.

use std::path::PathBuf;

use xhs_roi_engine::format::{self, Locale};
use xhs_roi_engine::roi::{
    self, GroupBy, KolTier, KpiId, KpiUnit, Objective, Prepared, RoiSettings,
};
use xhs_roi_engine::time::Day;
use xhs_roi_engine::{CostCategory, Dataset, Kind};

use crate::{load, read, CliError};

#[derive(clap::Args)]
pub struct ReportArgs {
    /// Notes export (one row per note, or per note and day).
    #[arg(long)]
    notes: Option<PathBuf>,
    /// Cost ledger.
    #[arg(long)]
    costs: Option<PathBuf>,
    /// Orders export.
    #[arg(long)]
    orders: Option<PathBuf>,
    /// KOL table: followers and tier per creator, promo codes for crediting orders.
    #[arg(long)]
    kols: Option<PathBuf>,
    /// Saved ROI settings (RoiSettings as JSON); the flags below override it.
    #[arg(long, value_name = "FILE")]
    settings: Option<PathBuf>,
    /// A scenarios file saved by the app (docs/scenarios.md): all of its ROI
    /// settings and its column mappings; --settings replaces its ROI
    /// settings and the flags override them.
    #[command(flatten)]
    scenario: crate::scenario_arg::ScenarioArgs,
    /// Gross margin as a fraction of revenue (orders' COGS are used where given).
    #[arg(long)]
    margin: Option<f64>,
    /// Use the margin even where orders give their COGS.
    #[arg(long)]
    no_order_cogs: bool,
    /// brand-awareness, community, direct-sales or market-research: which KPIs lead.
    #[arg(long)]
    objective: Option<String>,
    /// First day reported (YYYY-MM-DD); open: the first day of data.
    #[arg(long)]
    from: Option<String>,
    /// Last day reported (YYYY-MM-DD); open: the last day of data.
    #[arg(long)]
    to: Option<String>,
    /// First day of a baseline period every KPI is compared with.
    #[arg(long)]
    baseline_from: Option<String>,
    /// Last day of the baseline period.
    #[arg(long)]
    baseline_to: Option<String>,
    /// Keep only this campaign (repeatable).
    #[arg(long, value_name = "NAME")]
    campaign: Vec<String>,
    /// Keep only this note format: image, video or as written (repeatable).
    #[arg(long, value_name = "FORMAT")]
    format: Vec<String>,
    /// Keep only this content type (repeatable).
    #[arg(long, value_name = "TYPE")]
    content_type: Vec<String>,
    /// Keep only this creator tier: brand, head, mid, micro, koc, unknown (repeatable).
    #[arg(long, value_name = "TIER")]
    tier: Vec<String>,
    /// Keep only this account (repeatable).
    #[arg(long, value_name = "NAME")]
    account: Vec<String>,
    /// EMV benchmark CPM (CNY per 1,000 impressions) for every format.
    #[arg(long)]
    emv_cpm: Option<f64>,
    /// EMV benchmark CPE (CNY per interaction) for every format.
    #[arg(long)]
    emv_cpe: Option<f64>,
    /// EMV benchmark CPM for image notes (over --emv-cpm).
    #[arg(long)]
    emv_cpm_image: Option<f64>,
    /// EMV benchmark CPE for image notes.
    #[arg(long)]
    emv_cpe_image: Option<f64>,
    /// EMV benchmark CPM for video notes.
    #[arg(long)]
    emv_cpm_video: Option<f64>,
    /// EMV benchmark CPE for video notes.
    #[arg(long)]
    emv_cpe_video: Option<f64>,
    /// Customer lifetime value: purchases per year.
    #[arg(long)]
    clv_purchases_per_year: Option<f64>,
    /// Customer lifetime value: expected years as a customer.
    #[arg(long)]
    clv_years: Option<f64>,
    /// Yearly retention (0 to below 1); selects margin x r / (1 + d - r).
    #[arg(long)]
    clv_retention: Option<f64>,
    /// Yearly discount rate of the retention form.
    #[arg(long)]
    clv_discount: Option<f64>,
    /// Weight of brand value (EMV) in the blended ROI.
    #[arg(long)]
    weight_brand: Option<f64>,
    /// Weight of new customers' future value in the blended ROI.
    #[arg(long)]
    weight_future: Option<f64>,
    /// Currency to show money in (ISO code; the data are CNY).
    #[arg(long)]
    currency: Option<String>,
    /// CNY per one unit of --currency (USD: about 7.2).
    #[arg(long)]
    rate: Option<f64>,
    /// Scale a cost category, as CATEGORY=FACTOR (kol=1.2); repeatable.
    #[arg(long, value_name = "CATEGORY=FACTOR")]
    cost_multiplier: Vec<String>,
    /// A table per group: note, kol, tier, format, content-type or campaign (repeatable).
    #[arg(long, value_name = "GROUP")]
    by: Vec<String>,
    /// With --by note: the best and worst notes by ROI and by engagement, this many each.
    #[arg(long, default_value_t = 5)]
    top: usize,
    /// Notes with fewer views are left out of the engagement ranking.
    #[arg(long, default_value_t = 100.0)]
    min_views: f64,
    /// Add the funnel (impressions to orders) overall, by format and by campaign.
    #[arg(long)]
    funnel: bool,
    /// Add content lifespan: engagement by note age, evergreen share, old notes still earning.
    #[arg(long)]
    lifespan: bool,
    /// Lifespan: "still earning" means interactions in this many days up to the period's end.
    #[arg(long, default_value_t = 30)]
    recent_days: u32,
    /// Print one JSON object instead of a table.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print CSV instead of a table: the --by tables (one after another,
    /// separated by an empty line), or the KPI cards without --by.
    #[arg(long)]
    csv: bool,
    /// Language of the table output (en or zh).
    #[arg(long, default_value = "en")]
    lang: String,
}

fn day(flag: &str, text: &Option<String>) -> Result<Option<Day>, CliError> {
    text.as_deref()
        .map(|t| {
            Day::parse_iso(t)
                .ok_or_else(|| CliError::Message(format!("{flag}: not a date (YYYY-MM-DD): {t}")))
        })
        .transpose()
}

/// The settings the flags describe, over `--settings`, else the scenario's
/// (or the defaults without one).
fn settings(args: &ReportArgs, base: RoiSettings) -> Result<RoiSettings, CliError> {
    let mut s = match &args.settings {
        Some(path) => {
            let bytes = read(path)?;
            serde_json::from_slice::<RoiSettings>(&bytes).map_err(|e| {
                CliError::Message(format!("{}: not valid settings: {e}", path.display()))
            })?
        }
        None => base,
    };
    if let Some(margin) = args.margin {
        if !(0.0..=1.0).contains(&margin) {
            return Err(CliError::Margin(margin));
        }
        s.margin.rate = margin;
    }
    if args.no_order_cogs {
        s.margin.use_order_cogs = false;
    }
    if let Some(o) = &args.objective {
        s.objective = Objective::parse(o).ok_or_else(|| {
            CliError::Message(format!(
                "--objective: unknown objective {o} (brand-awareness, community, direct-sales, market-research)"
            ))
        })?;
    }
    if args.from.is_some() {
        s.range.from = day("--from", &args.from)?;
    }
    if args.to.is_some() {
        s.range.to = day("--to", &args.to)?;
    }
    match (
        day("--baseline-from", &args.baseline_from)?,
        day("--baseline-to", &args.baseline_to)?,
    ) {
        (None, None) => {}
        (Some(from), Some(to)) => s.baseline = Some(roi::DateRange::between(from, to)),
        _ => {
            return Err(CliError::Message(
                "a baseline needs both --baseline-from and --baseline-to".into(),
            ))
        }
    }
    let f = &mut s.filters;
    f.campaigns.extend(args.campaign.iter().cloned());
    f.formats.extend(args.format.iter().cloned());
    f.content_types.extend(args.content_type.iter().cloned());
    f.accounts.extend(args.account.iter().cloned());
    for t in &args.tier {
        f.tiers.push(KolTier::parse(t).ok_or_else(|| {
            CliError::Message(format!(
                "--tier: unknown tier {t} (brand, head, mid, micro, koc, unknown)"
            ))
        })?);
    }
    let set = |slot: &mut f64, value: Option<f64>| {
        if let Some(v) = value {
            *slot = v;
        }
    };
    set(&mut s.emv.image.cpm, args.emv_cpm);
    set(&mut s.emv.video.cpm, args.emv_cpm);
    set(&mut s.emv.image.cpe, args.emv_cpe);
    set(&mut s.emv.video.cpe, args.emv_cpe);
    set(&mut s.emv.image.cpm, args.emv_cpm_image);
    set(&mut s.emv.image.cpe, args.emv_cpe_image);
    set(&mut s.emv.video.cpm, args.emv_cpm_video);
    set(&mut s.emv.video.cpe, args.emv_cpe_video);
    set(&mut s.clv.purchases_per_year, args.clv_purchases_per_year);
    set(&mut s.clv.years, args.clv_years);
    set(&mut s.clv.discount, args.clv_discount);
    if args.clv_retention.is_some() {
        s.clv.retention = args.clv_retention;
    }
    set(&mut s.weights.brand, args.weight_brand);
    set(&mut s.weights.future, args.weight_future);
    match (&args.currency, args.rate) {
        (None, None) => {}
        (Some(code), rate) => {
            let code = code.trim().to_ascii_uppercase();
            if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(CliError::Message(format!(
                    "--currency: expected a three-letter code such as USD, got {code}"
                )));
            }
            let rate = match rate {
                Some(r) => r,
                None if code == "CNY" => 1.0,
                None => {
                    return Err(CliError::Message(format!(
                        "--currency {code} needs --rate (CNY per one {code})"
                    )))
                }
            };
            s.currency = roi::Currency {
                code,
                cny_per_unit: rate,
            };
        }
        (None, Some(rate)) => s.currency.cny_per_unit = rate,
    }
    for m in &args.cost_multiplier {
        let parsed = m
            .split_once('=')
            .and_then(|(c, f)| Some((CostCategory::parse(c)?, f.trim().parse::<f64>().ok()?)));
        let (category, factor) = parsed.ok_or_else(|| {
            CliError::Message(format!(
                "--cost-multiplier: expected CATEGORY=FACTOR such as kol=1.2, got {m}"
            ))
        })?;
        s.cost_multipliers.set(category, factor);
    }
    s.validate()
        .map_err(|e| CliError::Message(format!("settings: {e}")))?;
    Ok(s)
}

pub fn run(args: &ReportArgs) -> Result<(), CliError> {
    let (base, mappings) = args.scenario.roi_settings().map_err(CliError::Message)?;
    let settings = settings(args, base)?;
    let groups = args
        .by
        .iter()
        .map(|g| {
            GroupBy::parse(g).ok_or_else(|| {
                CliError::Message(format!(
                    "--by: unknown group {g} (note, kol, tier, format, content-type, campaign)"
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if args.notes.is_none() && args.costs.is_none() && args.orders.is_none() {
        return Err(CliError::NoInput);
    }
    let load_opt = |path: &Option<PathBuf>, kind| {
        path.as_deref()
            .map(|p| load(p, kind, &mappings))
            .transpose()
    };
    let data = Dataset {
        notes: load_opt(&args.notes, Kind::Notes)?,
        costs: load_opt(&args.costs, Kind::Costs)?,
        orders: load_opt(&args.orders, Kind::Orders)?,
        kols: load_opt(&args.kols, Kind::Kols)?,
        ..Dataset::default()
    };
    let prepared = Prepared::new(&data, &settings);
    let report = roi::report(&prepared, &settings);
    let breakdowns: Vec<roi::Breakdown> = groups
        .iter()
        .map(|&g| roi::breakdown(&prepared, &settings, g))
        .collect();
    let funnel = args.funnel.then(|| roi::funnel(&prepared, &settings));
    let lifespan = args.lifespan.then(|| {
        let options = roi::LifespanOptions {
            recent_days: args.recent_days,
            ..roi::LifespanOptions::default()
        };
        roi::lifespan(&prepared, &settings, &options)
    });
    let rankings = breakdowns
        .iter()
        .find(|b| b.by == GroupBy::Note)
        .map(|b| roi::rank(b, args.top, args.min_views));
    if report.unconverted_cost_entries > 0 {
        eprintln!(
            "xhs-roi: {} cost entries are in a currency other than CNY and {}; counted as CNY",
            report.unconverted_cost_entries, settings.currency.code
        );
    }
    if args.json {
        let mut json = serde_json::to_value(report.kpis()).expect("KPIs serialise");
        let object = json.as_object_mut().expect("an object");
        let extra = serde_json::json!({
            "objective": report.objective,
            "lead_kpis": report.lead_kpis,
            "currency": report.currency,
            // No dated row and no full range: no period to name.
            "period": report.dated.then_some(report.period),
            "previous_period": report.previous_period,
            "baseline_period": report.baseline_period,
            "cards": report
                .cards
                .iter()
                .map(|c| (c.id.name().to_string(), serde_json::to_value(c).expect("cards serialise")))
                .collect::<serde_json::Map<_, _>>(),
            "figures": report.current,
            "previous": report.previous,
            "baseline": report.baseline,
            "returns": report.current.returns,
        });
        let mut extra = extra;
        let object_extra = extra.as_object_mut().expect("an object");
        if !breakdowns.is_empty() {
            let by: serde_json::Map<String, serde_json::Value> = breakdowns
                .iter()
                .map(|b| {
                    (
                        b.by.name().to_string(),
                        serde_json::to_value(b).expect("breakdowns serialise"),
                    )
                })
                .collect();
            object_extra.insert("breakdowns".into(), by.into());
        }
        if let Some(r) = &rankings {
            object_extra.insert(
                "rankings".into(),
                serde_json::to_value(r).expect("rankings serialise"),
            );
        }
        if let Some(f) = &funnel {
            object_extra.insert(
                "funnel".into(),
                serde_json::to_value(f).expect("the funnel serialises"),
            );
        }
        if let Some(l) = &lifespan {
            object_extra.insert(
                "lifespan".into(),
                serde_json::to_value(l).expect("the lifespan serialises"),
            );
        }
        for (key, value) in extra.as_object().expect("an object") {
            object.insert(key.clone(), value.clone());
        }
        let mut text = serde_json::to_string_pretty(&json).expect("JSON serialises");
        text.push('\n');
        crate::emit(&text)
    } else if args.csv {
        let mut tables: Vec<String> = breakdowns.iter().map(roi::Breakdown::csv).collect();
        tables.extend(funnel.as_ref().map(roi::FunnelReport::csv));
        tables.extend(lifespan.as_ref().map(roi::Lifespan::notes_csv));
        if tables.is_empty() {
            tables.push(report.cards_csv());
        }
        crate::emit(&tables.join("\n"))
    } else {
        let locale = Locale::from_tag(&args.lang);
        let mut text = cards_table(&report, locale, &settings);
        for b in &breakdowns {
            text.push_str(&format!(
                "\nby {}\n{}",
                b.by.name(),
                breakdown_table(b, locale)
            ));
        }
        if let Some(r) = &rankings {
            let symbol = settings.currency.symbol();
            text.push_str(&format!("\n{}", rankings_table(r, locale, &symbol)));
        }
        if let Some(f) = &funnel {
            text.push_str(&format!("\n{}", funnel_table(f, locale)));
        }
        if let Some(l) = &lifespan {
            text.push_str(&format!("\n{}", lifespan_table(l, locale)));
        }
        crate::emit(&text)
    }
}

/// A breakdown for people: the main figures per row, then the part not
/// allocated and the totals.
fn breakdown_table(b: &roi::Breakdown, locale: Locale) -> String {
    let symbol = b.currency.symbol();
    let count = |v: f64| format::count(v, locale);
    let money = |v: f64| format::money(v, locale, &symbol);
    let opt = |v: Option<f64>, f: &dyn Fn(f64) -> String| format::or_missing(v, f);
    let kol = b.by == GroupBy::Kol;
    let note = b.by == GroupBy::Note;
    let mut header: Vec<String> = vec![b.by.name().into()];
    if kol {
        header.extend(["tier".into(), "followers".into()]);
    }
    // A note row is one note: its account says more than a count of 1.
    header.push(if note { "account" } else { "notes" }.into());
    header.extend(
        [
            "impressions",
            "views",
            "eng. rate",
            "cost",
            "cpe",
            "cpv",
            "cpm",
            "revenue",
            "roas",
            "roi",
        ]
        .map(String::from),
    );
    let line = |key: &str, row: Option<&roi::BreakdownRow>, f: &roi::Figures| {
        let mut cells = vec![key.to_string()];
        if kol {
            cells.push(
                row.and_then(|r| r.tier)
                    .map_or(String::new(), |t| t.name().into()),
            );
            cells.push(row.and_then(|r| r.followers).map_or(String::new(), count));
        }
        cells.push(if note {
            row.and_then(|r| r.account.clone()).unwrap_or_default()
        } else {
            count(f.notes)
        });
        cells.extend([
            count(f.impressions),
            count(f.views),
            opt(f.engagement_rate, &format::percent),
            money(f.cost_total),
            opt(f.cpe, &money),
            opt(f.cpv, &money),
            opt(f.cpm, &money),
            money(f.revenue),
            opt(f.roas, &format::multiple),
            opt(f.roi, &format::percent),
        ]);
        cells
    };
    let mut rows = vec![header];
    for r in &b.rows {
        rows.push(line(&r.key, Some(r), &r.figures));
    }
    if let Some(rest) = &b.not_allocated {
        rows.push(line(roi::NOT_ALLOCATED, None, rest));
    }
    rows.push(line(roi::TOTAL, None, &b.totals));
    crate::aligned(&rows)
}

fn funnel_table(f: &roi::FunnelReport, locale: Locale) -> String {
    let mut rows = vec![["funnel", "stage", "count", "rate", "drop-off"]
        .map(String::from)
        .to_vec()];
    let groups = std::iter::once(("overall".to_string(), &f.overall))
        .chain(
            f.by_format
                .iter()
                .map(|g| (format!("format {}", g.key), &g.funnel)),
        )
        .chain(
            f.by_campaign
                .iter()
                .map(|g| (format!("campaign {}", g.key), &g.funnel)),
        );
    for (name, funnel) in groups {
        for (i, step) in funnel.steps.iter().enumerate() {
            rows.push(vec![
                if i == 0 { name.clone() } else { String::new() },
                step.stage.name().to_string(),
                format::count(step.count, locale),
                step.rate.map_or(String::new(), format::percent),
                step.drop_off.map_or(String::new(), format::percent),
            ]);
        }
    }
    crate::aligned(&rows)
}

fn lifespan_table(l: &roi::Lifespan, locale: Locale) -> String {
    let o = &l.options;
    let mut out = format!(
        "lifespan as of {}: evergreen share (after day {}) {}\n",
        l.as_of
            .map_or_else(|| format::MISSING.to_string(), |d| d.iso()),
        o.evergreen_after_days,
        format::or_missing(l.evergreen_share, format::percent)
    );
    let mut curve = vec![["age (days)", "cumulative interactions", "share"]
        .map(String::from)
        .to_vec()];
    for point in l.curve.iter().filter(|p| {
        matches!(p.age, 0 | 1 | 2 | 3 | 7 | 14 | 30 | 60 | 90 | 180 | 365)
            || p.age as usize == l.curve.len() - 1
    }) {
        curve.push(vec![
            point.age.to_string(),
            format::count(point.cumulative, locale),
            format::or_missing(point.cumulative_share, format::percent),
        ]);
    }
    out.push_str(&crate::aligned(&curve));
    out.push_str(&format!(
        "\nnotes {}+ days old with interactions in the last {} days: {}\n",
        o.old_after_days,
        o.recent_days,
        l.still_earning.len()
    ));
    let mut rows = vec![["note", "account", "age", "recent", "evergreen share"]
        .map(String::from)
        .to_vec()];
    for n in &l.still_earning {
        rows.push(vec![
            n.note_id.clone(),
            n.account.clone().unwrap_or_default(),
            n.age_days.to_string(),
            format::count(n.recent_interactions, locale),
            format::or_missing(n.evergreen_share, format::percent),
        ]);
    }
    out.push_str(&crate::aligned(&rows));
    out
}

fn rankings_table(r: &roi::Rankings, locale: Locale, symbol: &str) -> String {
    let mut out = String::new();
    let lists: [(&str, &[roi::BreakdownRow]); 4] = [
        ("top notes by roi", &r.top_by_roi),
        ("bottom notes by roi", &r.bottom_by_roi),
        ("top notes by engagement rate", &r.top_by_engagement),
        ("bottom notes by engagement rate", &r.bottom_by_engagement),
    ];
    for (title, rows) in lists {
        let mut table = vec![["note", "account", "roi", "eng. rate", "cost", "revenue"]
            .map(String::from)
            .to_vec()];
        for row in rows {
            let f = &row.figures;
            table.push(vec![
                row.key.clone(),
                row.account.clone().unwrap_or_default(),
                format::or_missing(f.roi, format::percent),
                format::or_missing(f.engagement_rate, format::percent),
                format::money(f.cost_total, locale, symbol),
                format::money(f.revenue, locale, symbol),
            ]);
        }
        out.push_str(&format!("{title}\n{}\n", crate::aligned(&table)));
    }
    out
}

/// A value as people read it, by the KPI's unit.
fn show(value: Option<f64>, unit: KpiUnit, locale: Locale, symbol: &str) -> String {
    format::or_missing(value, |v| match unit {
        KpiUnit::Count => format::count(v, locale),
        KpiUnit::Money => format::money(v, locale, symbol),
        KpiUnit::Fraction => format::percent(v),
        KpiUnit::Multiple => format::multiple(v),
    })
}

/// A change: relative in percent, or in points for rates.
fn show_change(change: Option<roi::Change>, unit: KpiUnit) -> String {
    let Some(c) = change else {
        return String::new();
    };
    let signed = |text: String, v: f64| if v > 0.0 { format!("+{text}") } else { text };
    match unit {
        KpiUnit::Fraction => signed(
            format!("{} pts", format::grouped(c.absolute * 100.0, 1)),
            c.absolute,
        ),
        _ => c.relative.map_or_else(
            || format::MISSING.to_string(),
            |r| signed(format::percent(r), r),
        ),
    }
}

fn cards_table(r: &roi::RoiReport, locale: Locale, s: &RoiSettings) -> String {
    let symbol = s.currency.symbol();
    let mut out = if r.dated {
        format!(
            "period {} .. {}{}",
            r.period.from,
            r.period.to,
            if r.period.all { " (all data)" } else { "" }
        )
    } else {
        "period: no dated rows".to_string()
    };
    if let Some(p) = &r.previous_period {
        out.push_str(&format!("; previous {} .. {}", p.from, p.to));
    }
    if let Some(b) = &r.baseline_period {
        out.push_str(&format!("; baseline {} .. {}", b.from, b.to));
    }
    out.push_str(&format!("; objective {}\n", r.objective.name()));
    let mut header = vec!["kpi".to_string(), "value".to_string()];
    if r.previous.is_some() {
        header.push("vs previous".into());
    }
    if r.baseline.is_some() {
        header.push("vs baseline".into());
    }
    let mut rows = vec![header];
    for card in r.cards.iter().filter(|c| c.id.is_computed()) {
        let label = match card.id {
            KpiId::CostContent
            | KpiId::CostKol
            | KpiId::CostPaid
            | KpiId::CostAgency
            | KpiId::CostTechnology => format!("  {}", &card.id.name()[5..]),
            id => id.name().to_string(),
        };
        let mut row = vec![label, show(card.value, card.unit, locale, &symbol)];
        if r.previous.is_some() {
            row.push(show_change(card.vs_previous, card.unit));
        }
        if r.baseline.is_some() {
            row.push(show_change(card.vs_baseline, card.unit));
        }
        rows.push(row);
    }
    out.push_str(&crate::aligned(&rows));
    out
}
