//! Import speed of the engine alone, the way the import worker reads a
//! file: sniff the head, then feed a 1 MB slice and 8 MB ones after it.
//!
//! `cargo run --release -p xhs-roi-engine --example import_speed -- FILE [RUNS]`

use std::time::Instant;

use xhs_roi_engine::import::{sniff, Importer, SNIFF_BYTES};
use xhs_roi_engine::ImportOptions;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: import_speed FILE [RUNS]");
    let runs: usize = args
        .next()
        .map_or(5, |r| r.parse().expect("a number of runs"));
    let bytes = std::fs::read(&path).expect("a readable file");
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
        let sniffed = sniff(&path, head, &ImportOptions::default()).expect("a table");
        let mut importer = Importer::new(&path, sniffed.plan);
        let (first, rest) = bytes.split_at(bytes.len().min(1 << 20));
        importer.feed(first);
        importer.reserve_for(bytes.len() as u64);
        for chunk in rest.chunks(8 << 20) {
            importer.feed(chunk);
        }
        let imported = importer.finish();
        let seconds = start.elapsed().as_secs_f64();
        times.push(seconds);
        eprintln!(
            "{:.3} s ({:.0} MB/s), {} rows, {} problems",
            seconds,
            bytes.len() as f64 / 1e6 / seconds,
            imported.rows_read,
            imported.problem_count
        );
    }
    times.sort_by(f64::total_cmp);
    println!("median {:.3} s", times[times.len() / 2]);
}
