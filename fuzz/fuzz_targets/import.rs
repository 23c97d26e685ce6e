//! Arbitrary bytes as a file: the importer must never panic, with no kind or
//! any kind forced, and feeding the file in chunks must give what reading it
//! whole gives (the browser reads big files in slices).
#![no_main]

use libfuzzer_sys::fuzz_target;
use xhs_roi_engine::import::{sniff, Importer, SNIFF_BYTES};
use xhs_roi_engine::{import, ImportOptions, Kind};

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
            assert_eq!(whole.fingerprint(), chunked.fingerprint(), "chunks of {size} bytes");
        }
        Err(_) => assert!(whole.is_err(), "sniff failed, so import must"),
    }
});
