//! Attribution speed on 1M journeys / ~3.5M touches / 12 channels,
//! generated deterministically. Prints the median of three runs per step.
//!
//! ```sh
//! cargo run -p xhs-roi-engine --release --example attribution_bench [-- JOURNEYS]
//! ```

use std::time::{Duration, Instant};

use xhs_roi_engine::attribution::rng::Rng;
use xhs_roi_engine::attribution::{attribute, Journeys, Model, Settings};
use xhs_roi_engine::table::{Column, Table, TextColumn};
use xhs_roi_engine::Kind;

const CHANNELS: [(&str, f64); 12] = [
    ("xhs_note", 0.20),
    ("xhs_search", 0.12),
    ("kol_note", 0.12),
    ("juguang_ads", 0.08),
    ("wechat", 0.10),
    ("tmall", 0.12),
    ("jd", 0.06),
    ("douyin", 0.07),
    ("offline_store", 0.02),
    ("direct", 0.04),
    ("weibo", 0.04),
    ("bilibili", 0.03),
];

/// A touchpoints table: one person per journey, 1-6 touches, the last touch
/// of a converting journey carries the `conversion` event and a value.
fn generate(journeys: usize) -> Table {
    let mut rng = Rng::new(2026);
    let mut t = Table::new(
        Kind::Touchpoints,
        &[true, true, true, false, false, true, true],
    );
    let mut person = TextColumn::default();
    let mut channel = TextColumn::default();
    let mut event = TextColumn::default();
    let mut time = Vec::new();
    let mut value = Vec::new();
    let total: f64 = CHANNELS.iter().map(|c| c.1).sum();
    for p in 0..journeys {
        let name = format!("P{p:07}");
        let len = 1 + rng.below(6) as usize;
        let mut at = 1_767_225_600 + rng.below(300 * 86_400) as i64;
        let mut xhs = 0;
        let mut chosen = Vec::with_capacity(len);
        for _ in 0..len {
            let mut u = rng.unit() * total;
            let c = CHANNELS
                .iter()
                .position(|c| {
                    u -= c.1;
                    u < 0.0
                })
                .unwrap_or(CHANNELS.len() - 1);
            if c < 4 {
                xhs += 1;
            }
            chosen.push(c);
        }
        let converts = rng.unit() < 0.02 + 0.015 * f64::from(xhs) + 0.005 * len as f64;
        for (i, &c) in chosen.iter().enumerate() {
            person.push(Some(&name));
            channel.push(Some(CHANNELS[c].0));
            let last = i + 1 == len;
            event.push(Some(if last && converts {
                "conversion"
            } else {
                "click"
            }));
            time.push(at);
            value.push(if last && converts {
                (50 + rng.below(400)) as f64
            } else {
                f64::NAN
            });
            at += 3_600 + rng.below(5 * 86_400) as i64;
        }
    }
    t.rows = time.len();
    t.columns[0] = Column::Text(person);
    t.columns[1] = Column::Time(time);
    t.columns[2] = Column::Text(channel);
    t.columns[5] = Column::Text(event);
    t.columns[6] = Column::Number(value);
    t
}

fn median<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..3 {
        let start = Instant::now();
        let out = f();
        times.push(start.elapsed());
        last = Some(out);
    }
    times.sort();
    (times[1], last.expect("ran"))
}

fn ms(d: Duration) -> String {
    format!("{:9.1} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let journeys: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("journey count"))
        .unwrap_or(1_000_000);
    let build = Instant::now();
    let table = generate(journeys);
    eprintln!(
        "generated {} touch rows in {:.1} s",
        table.rows,
        build.elapsed().as_secs_f64()
    );

    let settings = Settings::default();
    let (t, j) = median(|| Journeys::from_touchpoints(&table, &settings).expect("journeys"));
    println!(
        "{} journeys ({} converting), {} touches, {} channels",
        j.len(),
        j.stats.converting_journeys,
        j.view().touches.len(),
        j.channels().len()
    );
    println!("{:<34}{}", "journeys from touchpoints table", ms(t));
    for model in Model::ALL {
        let s = Settings {
            models: vec![model],
            ..Settings::default()
        };
        let (t, _) = median(|| attribute(&j, &s).expect("attribute"));
        println!("{:<34}{}", model.name(), ms(t));
    }
    for order in [2u8, 3] {
        let s = Settings {
            models: vec![Model::Markov],
            markov_order: order,
            ..Settings::default()
        };
        let (t, a) = median(|| attribute(&j, &s).expect("attribute"));
        let states = a.models[0].markov.as_ref().map_or(0, |m| m.states);
        println!(
            "{:<34}{}",
            format!("markov order {order} ({states} states)"),
            ms(t)
        );
    }
    let (t, _) = median(|| attribute(&j, &Settings::default()).expect("attribute"));
    println!("{:<34}{}", "all seven models together", ms(t));
    let mut s = Settings {
        models: vec![Model::Markov, Model::Shapley],
        ..Settings::default()
    };
    s.bootstrap.replicates = 20;
    let start = Instant::now();
    attribute(&j, &s).expect("attribute");
    println!(
        "{:<34}{}",
        "bootstrap markov+shapley, per rep",
        ms(start.elapsed() / 20)
    );
}
