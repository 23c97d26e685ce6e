//! Arbitrary text as one cell: the value parsers must never panic, and a
//! number they accept must be finite (NaN means "missing" in a table, and an
//! infinity would poison every sum).
#![no_main]

use libfuzzer_sys::fuzz_target;
use xhs_roi_engine::value::{self, DayOrder};

fuzz_target!(|text: &str| {
    if let Ok(Some(x)) = value::parse_number(text) {
        assert!(x.is_finite(), "parse_number({text:?}) = {x}");
    }
    let _ = value::parse_time(text, DayOrder::DayFirst);
    let _ = value::parse_time(text, DayOrder::MonthFirst);
    let _ = value::parse_flag(text);
    let _ = value::is_missing(text);
});
