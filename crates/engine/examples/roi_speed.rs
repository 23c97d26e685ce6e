//! How fast the ROI views are on a large account: 20,000 notes with 180
//! daily rows each (3.6M rows), 40,000 cost entries, 300,000 orders and
//! 4,000 creators, all synthetic. Prints the time to build the index once
//! and the median and worst time of a full repaint of the KPI cards (the
//! period, the previous one and a baseline) under changing filters; then
//! the breakdowns, funnel and lifespan. Prints figures only.
//!
//! cargo run --release -p xhs-roi-engine --example roi_speed

use std::time::{Duration, Instant};

use xhs_roi_engine::report::Dataset;
use xhs_roi_engine::roi::{self, DateRange, Granularity, GroupBy, KolTier, Prepared, RoiSettings};
use xhs_roi_engine::schema::Kind;
use xhs_roi_engine::table::{Column, Table};
use xhs_roi_engine::time::Day;

const NOTES: usize = 20_000;
const DAYS: usize = 180;
const ACCOUNTS: usize = 4_000;
const CAMPAIGNS: usize = 12;
const ORDERS: usize = 300_000;

/// SplitMix64: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// An empty table of `kind` with the named fields present.
fn table(kind: Kind, fields: &[&str]) -> Table {
    let present: Vec<bool> = kind
        .fields()
        .iter()
        .map(|f| fields.contains(&f.name))
        .collect();
    Table::new(kind, &present)
}

fn push_text(t: &mut Table, field: &str, value: Option<&str>) {
    let i = t.kind.field_index(field).expect("a field");
    if let Column::Text(c) = &mut t.columns[i] {
        c.push(value);
    }
}

fn push_number(t: &mut Table, field: &str, value: f64) {
    let i = t.kind.field_index(field).expect("a field");
    if let Column::Number(v) = &mut t.columns[i] {
        v.push(value);
    }
}

fn push_time(t: &mut Table, field: &str, day: Day) {
    let i = t.kind.field_index(field).expect("a field");
    if let Column::Time(v) = &mut t.columns[i] {
        v.push(day.timestamp());
    }
}

fn dataset() -> Dataset {
    let mut rng = Rng(7);
    let start = Day::from_ymd(2025, 9, 1).expect("a date");
    let formats = ["image_text", "video"];
    let types = ["tutorial", "review", "lifestyle", "haul", "before_after"];

    let mut notes = table(
        Kind::Notes,
        &[
            "note_id",
            "date",
            "published_at",
            "format",
            "account",
            "campaign",
            "content_type",
            "impressions",
            "views",
            "likes",
            "saves",
            "comments",
            "shares",
            "new_followers",
            "product_clicks",
            "search_views",
            "discovery_views",
        ],
    );
    let mut costs = table(
        Kind::Costs,
        &[
            "date", "end_date", "category", "amount", "campaign", "note_id", "account", "pay_kind",
        ],
    );
    let mut note_accounts = Vec::with_capacity(NOTES);
    for n in 0..NOTES {
        let id = format!("N{n:06}");
        let account = rng.below(ACCOUNTS);
        note_accounts.push(account);
        let account_name = format!("kol_{account:05}");
        let campaign = format!("campaign-{:02}", rng.below(CAMPAIGNS));
        let format = formats[rng.below(2)];
        let content = types[rng.below(types.len())];
        let published = start.add_days(rng.below(DAYS) as i32);
        let reach = 500.0 + rng.below(200_000) as f64;
        for age in 0..DAYS {
            push_text(&mut notes, "note_id", Some(&id));
            push_time(&mut notes, "date", published.add_days(age as i32));
            push_time(&mut notes, "published_at", published);
            push_text(&mut notes, "format", Some(format));
            push_text(&mut notes, "account", Some(&account_name));
            push_text(&mut notes, "campaign", Some(&campaign));
            push_text(&mut notes, "content_type", Some(content));
            let impressions = (reach * 0.2 * 0.5f64.powf(age as f64 / 3.0) + 2.0).round();
            let views = (impressions * 0.12).round();
            let interactions = views * 0.07;
            push_number(&mut notes, "impressions", impressions);
            push_number(&mut notes, "views", views);
            push_number(&mut notes, "likes", (interactions * 0.6).round());
            push_number(&mut notes, "saves", (interactions * 0.3).round());
            push_number(&mut notes, "comments", (interactions * 0.1).round());
            push_number(&mut notes, "shares", (interactions * 0.05).round());
            push_number(&mut notes, "new_followers", (views * 0.002).round());
            push_number(&mut notes, "product_clicks", (views * 0.03).round());
            push_number(&mut notes, "search_views", (views * 0.3).round());
            push_number(&mut notes, "discovery_views", (views * 0.7).round());
            notes.rows += 1;
        }
        for (category, amount, pay) in [
            ("kol", 500.0 + rng.below(20_000) as f64, "flat_fee"),
            ("kol", 96.0, "gift"),
        ] {
            push_time(&mut costs, "date", published);
            push_text(&mut costs, "category", Some(category));
            push_number(&mut costs, "amount", amount);
            push_text(&mut costs, "campaign", Some(&campaign));
            push_text(&mut costs, "note_id", Some(&id));
            push_text(&mut costs, "account", Some(&account_name));
            push_text(&mut costs, "pay_kind", Some(pay));
            let i = Kind::Costs.field_index("end_date").expect("a field");
            if let Column::Time(v) = &mut costs.columns[i] {
                v.push(i64::MIN);
            }
            costs.rows += 1;
        }
    }

    let mut orders = table(
        Kind::Orders,
        &[
            "order_id",
            "time",
            "revenue",
            "customer_id",
            "is_new_customer",
            "utm_source",
            "promo_code",
        ],
    );
    for o in 0..ORDERS {
        push_text(&mut orders, "order_id", Some(&format!("SO{o:08}")));
        push_time(
            &mut orders,
            "time",
            start.add_days(rng.below(2 * DAYS) as i32),
        );
        push_number(&mut orders, "revenue", [129.0, 329.0, 529.0][rng.below(3)]);
        push_text(
            &mut orders,
            "customer_id",
            Some(&format!("C{}", rng.below(200_000))),
        );
        push_number(
            &mut orders,
            "is_new_customer",
            (rng.below(3) == 0) as u8 as f64,
        );
        let route = rng.below(10);
        push_text(
            &mut orders,
            "utm_source",
            (route < 3).then_some("xiaohongshu"),
        );
        let promo = (3..7)
            .contains(&route)
            .then(|| format!("XHS{:05}", note_accounts[rng.below(NOTES)]));
        push_text(&mut orders, "promo_code", promo.as_deref());
        orders.rows += 1;
    }

    let mut kols = table(Kind::Kols, &["account", "followers", "promo_code"]);
    for a in 0..ACCOUNTS {
        push_text(&mut kols, "account", Some(&format!("kol_{a:05}")));
        push_number(&mut kols, "followers", (300 + rng.below(1_500_000)) as f64);
        push_text(&mut kols, "promo_code", Some(&format!("XHS{a:05}")));
        kols.rows += 1;
    }
    Dataset {
        notes: Some(notes),
        costs: Some(costs),
        orders: Some(orders),
        kols: Some(kols),
        ..Dataset::default()
    }
}

fn median_and_worst(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    (times[times.len() / 2], *times.last().expect("timings"))
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let built = Instant::now();
    let data = dataset();
    println!(
        "synthetic data: {NOTES} notes x {DAYS} days = {} rows, {} cost entries, {} orders, {ACCOUNTS} creators (built in {})",
        data.notes.as_ref().map_or(0, |t| t.rows),
        data.costs.as_ref().map_or(0, |t| t.rows),
        data.orders.as_ref().map_or(0, |t| t.rows),
        ms(built.elapsed())
    );

    let base = RoiSettings::default();
    let started = Instant::now();
    let prepared = Prepared::new(&data, &base);
    println!(
        "prepare (once per dataset): {} ({} daily rows kept)",
        ms(started.elapsed()),
        prepared.daily_rows()
    );

    // A session of filter changes, as a marketer would click through them.
    let day = |d: i32| Day::from_ymd(2025, 9, 1).expect("a date").add_days(d);
    let mut variants = Vec::new();
    for round in 0..8 {
        let mut s = RoiSettings {
            range: DateRange::between(day(30 + round * 10), day(119 + round * 10)),
            baseline: Some(DateRange::between(day(0), day(29))),
            ..RoiSettings::default()
        };
        variants.push(s.clone());
        s.filters.campaigns = vec![format!("campaign-{:02}", round)];
        variants.push(s.clone());
        s.filters.formats = vec!["video".into()];
        variants.push(s.clone());
        s.filters.campaigns.clear();
        s.filters.tiers = vec![KolTier::Mid, KolTier::Micro];
        variants.push(s.clone());
        s.filters = Default::default();
        s.filters.accounts = (0..10)
            .map(|a| format!("kol_{:05}", a * 37 + round))
            .collect();
        variants.push(s.clone());
        variants.push(RoiSettings::default());
    }
    let mut times = Vec::new();
    for s in &variants {
        let t = Instant::now();
        let report = roi::report(&prepared, s);
        times.push(t.elapsed());
        std::hint::black_box(report);
    }
    let (median, worst) = median_and_worst(times);
    println!(
        "report (all KPI cards: period + previous + baseline), {} filter changes: median {}, worst {}",
        variants.len(),
        ms(median),
        ms(worst)
    );

    let timed = |label: &str, f: &dyn Fn(&RoiSettings)| {
        let times: Vec<Duration> = variants
            .iter()
            .take(12)
            .map(|s| {
                let t = Instant::now();
                f(s);
                t.elapsed()
            })
            .collect();
        let (median, worst) = median_and_worst(times);
        println!("{label}: median {}, worst {}", ms(median), ms(worst));
    };
    timed("breakdown by KOL", &|s| {
        std::hint::black_box(roi::breakdown(&prepared, s, GroupBy::Kol));
    });
    timed("breakdown by note + rankings", &|s| {
        let b = roi::breakdown(&prepared, s, GroupBy::Note);
        std::hint::black_box(roi::rank(&b, 10, 100.0));
    });
    timed("funnel (overall, by format, by campaign)", &|s| {
        std::hint::black_box(roi::funnel(&prepared, s));
    });
    timed("weekly engagement series (the trend chart)", &|s| {
        std::hint::black_box(roi::engagement_series(&prepared, s, Granularity::Week));
    });
    timed("daily engagement series", &|s| {
        std::hint::black_box(roi::engagement_series(&prepared, s, Granularity::Day));
    });
    timed("lifespan (reads the kept notes' rows)", &|s| {
        std::hint::black_box(roi::lifespan(&prepared, s, &Default::default()));
    });
}
