//! The engine's import alone, as a WebAssembly module with no JavaScript
//! glue: `scripts/bench-engine-browser.mjs` runs this one module in Node and
//! in a Chromium worker, so the app's own costs (reading the file, copying
//! it, messages, the sniff on the page) can be told apart from the
//! engine's speed in each runtime.
//!
//! Built by that script (a workspace of its own, `Cargo.toml` beside
//! `src/`).

use xhs_roi_engine::import::{sniff, Importer, SNIFF_BYTES};
use xhs_roi_engine::{warm_up, ImportOptions};

/// Room for `len` bytes, for the caller to fill; never freed (a benchmark
/// round allocates it once).
#[no_mangle]
pub extern "C" fn room(len: usize) -> *mut u8 {
    let mut bytes = vec![0u8; len];
    let at = bytes.as_mut_ptr();
    std::mem::forget(bytes);
    at
}

/// Reads the warm-up samples `rounds` times, as the import worker does
/// while the app is idle.
#[no_mangle]
pub extern "C" fn warm(rounds: u32) {
    let samples = warm_up::samples();
    for _ in 0..rounds {
        for sample in &samples {
            std::hint::black_box(warm_up::import(sample).ok());
        }
    }
}

/// Imports the `len` bytes at `at` the way the import worker does (the plan
/// from the head, a 1 MB slice, room for the rest, 8 MB slices); returns
/// the rows read.
///
/// # Safety
/// `at` must point to `len` readable bytes (from [`room`]).
#[no_mangle]
pub unsafe extern "C" fn import(at: *const u8, len: usize) -> u32 {
    // SAFETY: the caller's promise above.
    let bytes = unsafe { std::slice::from_raw_parts(at, len) };
    let name = "bench.csv";
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let Ok(sniffed) = sniff(name, head, &ImportOptions::default()) else {
        return 0;
    };
    let mut importer = Importer::new(name, sniffed.plan);
    let (first, rest) = bytes.split_at(bytes.len().min(1 << 20));
    importer.feed(first);
    importer.reserve_for(bytes.len() as u64);
    for slice in rest.chunks(8 << 20) {
        importer.feed(slice);
    }
    importer.finish().rows_read as u32
}
