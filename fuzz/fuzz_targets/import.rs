//! Arbitrary bytes as a file: the importer must never panic, with no kind or
//! any kind forced, and feeding the file in chunks must give what reading it
//! whole gives (the browser reads big files in slices).
#![no_main]

use libfuzzer_sys::fuzz_target;
use xhs_roi_engine::import::{sniff, Importer, SNIFF_BYTES};
use xhs_roi_engine::table::{Column, Table};
use xhs_roi_engine::{import, Import, ImportOptions, Kind};

fn summary(i: &Import) -> String {
    format!(
        "{:?} {:?} {} {} {:?} {} {} {} {} {} {:?} {:?}",
        i.kind,
        i.encoding,
        i.delimiter,
        i.header_line,
        i.columns,
        i.rows_read,
        i.rows_rejected,
        i.rows_with_problems,
        i.rows_duplicate,
        i.problem_count,
        i.problems,
        table_summary(&i.table)
    )
}

/// A table's values in row order (its `Debug` would show hash-map order).
fn table_summary(table: &Table) -> String {
    let mut out = format!("{} rows", table.rows);
    for (field, column) in table.kind.fields().iter().zip(&table.columns) {
        let values = match column {
            Column::Absent => continue,
            Column::Text(c) => format!("{:?}", (0..c.len()).map(|r| c.get(r)).collect::<Vec<_>>()),
            Column::Number(v) => format!("{v:?}"),
            Column::Time(v) => format!("{v:?}"),
        };
        out.push_str(&format!("; {}: {values}", field.name));
    }
    out
}

fuzz_target!(|data: &[u8]| {
    // The whole input is the file. Its first byte also picks the chunk size
    // (1 to 64 bytes) and its second the forced kind (none, or one of the
    // eight), so each run costs two imports instead of ten: header sniffing
    // is the slow part, and throughput is what finds bugs.
    let size = data.first().map_or(1, |&b| usize::from(b % 64) + 1);
    let forced = data
        .get(1)
        .and_then(|&b| Kind::ALL.get(usize::from(b) % (Kind::ALL.len() + 1)))
        .copied();
    if let Some(kind) = forced {
        let options = ImportOptions {
            kind: Some(kind),
            ..Default::default()
        };
        let _ = import("fuzz.csv", data, &options);
    }

    let options = ImportOptions::default();
    let whole = import("fuzz.csv", data, &options);
    match sniff("fuzz.csv", &data[..data.len().min(SNIFF_BYTES)], &options) {
        Ok(sniffed) => {
            let mut importer = Importer::new("fuzz.csv", sniffed.plan);
            for chunk in data.chunks(size) {
                importer.feed(chunk);
            }
            let chunked = importer.finish();
            let whole = whole.expect("sniff succeeded, so import must");
            assert_eq!(summary(&whole), summary(&chunked), "chunks of {size} bytes");
        }
        Err(_) => assert!(whole.is_err(), "sniff failed, so import must"),
    }
});
