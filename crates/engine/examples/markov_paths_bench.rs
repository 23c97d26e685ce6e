//! The like-for-like of ChannelAttribution's `markov_model`: from a paths
//! table already in memory (strings, as pandas holds it) to the Markov
//! credit. Prints the median and fastest of the runs per step.
//!
//! ```sh
//! cargo run -p xhs-roi-engine --release --example markov_paths_bench -- paths.csv [RUNS] [--journeys-only]
//! ```
//!
//! `--journeys-only` skips the model, so that `perf stat -e task-clock` of a
//! run with many repetitions minus a run with one gives the CPU time of the
//! parsing alone on a busy machine.

use std::time::{Duration, Instant};

use xhs_roi_engine::attribution::{attribute, Journeys, Model, Settings};
use xhs_roi_engine::{import, ImportOptions, Kind};

fn main() {
    let mut args = std::env::args().skip(1);
    let file = args.next().expect("usage: markov_paths_bench FILE [RUNS]");
    let runs: usize = args
        .next()
        .map_or(9, |r| r.parse().expect("RUNS is a number"));
    let journeys_only = args.next().as_deref() == Some("--journeys-only");
    let bytes = std::fs::read(&file).expect("readable file");
    let options = ImportOptions {
        kind: Some(Kind::Paths),
        ..Default::default()
    };
    let table = import(&file, &bytes, &options)
        .expect("a paths table")
        .table;
    let settings = Settings {
        models: vec![Model::Markov],
        ..Settings::default()
    };
    let mut parse = Vec::new();
    let mut model = Vec::new();
    let mut both = Vec::new();
    for _ in 0..runs {
        let t0 = Instant::now();
        let journeys = Journeys::from_paths(&table).expect("journeys");
        let t1 = Instant::now();
        if journeys_only {
            std::hint::black_box(journeys);
            continue;
        }
        let result = attribute(&journeys, &settings).expect("credit");
        let t2 = Instant::now();
        std::hint::black_box(result);
        parse.push(t1 - t0);
        model.push(t2 - t1);
        both.push(t2 - t0);
    }
    let show = |name: &str, times: &mut Vec<Duration>| {
        times.sort();
        println!(
            "{name}: median {:.1} ms, fastest {:.1} ms",
            times[times.len() / 2].as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3
        );
    };
    println!("{} paths, {runs} runs", table.rows);
    if journeys_only {
        return;
    }
    show("paths -> journeys", &mut parse);
    show("Markov (order 1, exact)", &mut model);
    show("paths -> Markov credit", &mut both);
}
