//! Properties of the importer that must hold for every input, checked on
//! generated ones (proptest). The default case counts keep the file to a few
//! seconds; `PROPTEST_CASES=5000 cargo test -p xhs-roi-engine --test properties`
//! runs a deeper search. A failure prints the smallest input it found: add it
//! to `tests/fixtures/import/` as a case (see docs/testing-import.md).

use proptest::prelude::*;
use proptest::test_runner::Config;
use xhs_roi_engine::import::{sniff, Importer, SNIFF_BYTES};
use xhs_roi_engine::time::{self, Day};
use xhs_roi_engine::value::{self, DayOrder};
use xhs_roi_engine::{import, Import, ImportOptions, Kind};

/// `cases` unless `PROPTEST_CASES` says otherwise; no regression files are
/// written (a failure is turned into a fixture case instead).
fn config(cases: u32) -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    config.failure_persistence = None;
    config
}

fn close(want: f64, got: f64, relative: f64) -> bool {
    want == got || (want - got).abs() <= relative * want.abs().max(got.abs())
}

// ---------------------------------------------------------------------------
// Any bytes: never a panic, and chunking never changes the result.

/// Pieces that make the importer work hard: headers of several kinds,
/// delimiters, quotes, line ends, every value form, BOMs and broken bytes.
const TOKENS: &[&[u8]] = &[
    b"note_id",
    b"views",
    b"likes",
    b"date",
    b"title",
    b"order_id",
    b"time",
    b"revenue",
    b"path",
    b"total_conversions",
    b"category",
    b"amount",
    b"user_id",
    b"channel",
    "笔记ID".as_bytes(),
    "阅读量".as_bytes(),
    "日期".as_bytes(),
    "类别".as_bytes(),
    "您从哪里了解到我们".as_bytes(),
    "评论内容".as_bytes(),
    b",",
    b",",
    b",",
    b";",
    b"\t",
    b"|",
    b"\"",
    b"\"\"",
    b"\n",
    b"\n",
    b"\r\n",
    b"\r",
    b" ",
    b"1",
    b"42",
    b"1,234",
    "1.2万".as_bytes(),
    "3亿".as_bytes(),
    b"12.5%",
    "¥5".as_bytes(),
    b"(3)",
    b"-",
    b"--",
    b"N/A",
    b"null",
    b"1e999",
    b"inf",
    b"--5",
    "１２３".as_bytes(),
    b"2026-03-05",
    b"2026-02-30",
    b"05/25/2026",
    b"25/05/2026",
    b"03/05/2026",
    b"46086.5",
    b"1772668800",
    b"1772668800000",
    "2026年3月5日12时30分".as_bytes(),
    b"25:00",
    "内容制作".as_bytes(),
    b"lunch",
    "\u{FEFF}".as_bytes(),
    "\u{FFFD}".as_bytes(),
    "春".as_bytes(),
    "🌸".as_bytes(),
    b"\xE9",
    b"\xFF",
    b"\x00",
    b"\xC6\xD8",
];

fn token_soup() -> impl Strategy<Value = Vec<u8>> {
    let prefixes: Vec<&'static [u8]> = vec![
        b"",
        b"",
        b"",
        b"\xEF\xBB\xBF",
        b"\xFF\xFE",
        b"\xFE\xFF",
        b"%PDF",
        b"PK\x03\x04",
    ];
    (
        prop::sample::select(prefixes),
        prop::collection::vec(prop::sample::select(TOKENS), 0..120),
        any::<bool>(),
    )
        .prop_map(|(prefix, tokens, utf16)| {
            let body: Vec<u8> = tokens.concat();
            let mut out = prefix.to_vec();
            if utf16 && prefix == b"\xFF\xFE" {
                // Re-encode the (lossy) text as real UTF-16LE after the BOM.
                let text = String::from_utf8_lossy(&body);
                out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            } else {
                out.extend(body);
            }
            out
        })
}

fn any_input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..400),
        token_soup(),
        token_soup(),
    ]
}

fn all_options() -> Vec<ImportOptions> {
    std::iter::once(ImportOptions::default())
        .chain(Kind::ALL.into_iter().map(|k| ImportOptions {
            kind: Some(k),
            ..Default::default()
        }))
        .collect()
}

/// What [`import`] does, but feeding the bytes in chunks of `size`.
fn import_chunked(bytes: &[u8], options: &ImportOptions, size: usize) -> Option<Import> {
    let sniffed = sniff("p.csv", &bytes[..bytes.len().min(SNIFF_BYTES)], options).ok()?;
    let mut importer = Importer::new("p.csv", sniffed.plan);
    for chunk in bytes.chunks(size.max(1)) {
        importer.feed(chunk);
    }
    Some(importer.finish())
}

proptest! {
    #![proptest_config(config(200))]

    #[test]
    fn import_never_panics(bytes in any_input()) {
        for options in all_options() {
            let _ = import("p.csv", &bytes, &options);
        }
    }

    #[test]
    fn chunk_boundaries_do_not_change_the_result(bytes in any_input(), size in 1usize..40) {
        for options in [ImportOptions::default(), ImportOptions { kind: Some(Kind::Notes), ..Default::default() }] {
            let whole = import("p.csv", &bytes, &options);
            let chunked = import_chunked(&bytes, &options, size);
            match (whole, chunked) {
                (Ok(w), Some(c)) => prop_assert_eq!(w.fingerprint(), c.fingerprint()),
                (Err(_), None) => {}
                (w, c) => prop_assert!(false, "whole {:?} vs chunked {:?}", w.map(|i| i.fingerprint()), c.map(|i| i.fingerprint())),
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Generated well-formed notes tables: every row accounted for, sums exact.

/// One numeric cell: the text written and the value it stands for.
#[derive(Debug, Clone)]
struct NumberCell {
    text: String,
    value: Option<f64>,
    /// Unreadable text: a problem, read as missing.
    garbage: bool,
}

fn grouped(value: f64) -> String {
    let plain = format!("{value}");
    let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

fn number_cell() -> impl Strategy<Value = NumberCell> {
    let magnitude = prop_oneof![
        (0u64..10_000_000).prop_map(|n| n as f64),
        (0u64..100_000_000).prop_map(|c| c as f64 / 100.0),
    ];
    let written = (magnitude, 0u8..7).prop_map(|(v, form)| {
        let (text, value) = match form {
            0 => (format!("{v}"), v),
            1 => (grouped(v), v),
            2 => (format!("{}万", v / 1e4), v),
            3 => (format!("({v})"), -v),
            4 => (format!("¥{}", grouped(v)), v),
            5 => (format!("{v}%"), v * 0.01),
            _ => (format!("-{v}"), -v),
        };
        NumberCell {
            text,
            value: Some(value),
            garbage: false,
        }
    });
    let missing =
        prop::sample::select(vec!["", "-", "--", "—", "N/A", "null", " "]).prop_map(|t| {
            NumberCell {
                text: t.to_string(),
                value: None,
                garbage: false,
            }
        });
    let garbage =
        prop::sample::select(vec!["lots", "12abc", "#DIV/0!", "1,5", "inf"]).prop_map(|t| {
            NumberCell {
                text: t.to_string(),
                value: None,
                garbage: true,
            }
        });
    prop_oneof![6 => written, 2 => missing, 1 => garbage]
}

/// Text with delimiters, quotes and at most one newline (the delimiter
/// sniffer reads lines; see the note in `generated_tables_*`).
fn title() -> impl Strategy<Value = String> {
    let chars = prop::sample::select(vec![
        'a', 'b', ' ', '春', '，', ',', ';', '\t', '|', '"', '\'',
    ]);
    (
        prop::collection::vec(chars, 0..12),
        any::<bool>(),
        0usize..12,
    )
        .prop_map(|(chars, newline, at)| {
            let mut text: String = chars.into_iter().collect();
            if newline {
                let at = text.char_indices().nth(at).map_or(text.len(), |(i, _)| i);
                text.insert(at, '\n');
            }
            text
        })
}

#[derive(Debug, Clone)]
struct Row {
    /// `None`: written as one of the missing spellings (the row is rejected).
    note: Option<u8>,
    missing_note: &'static str,
    /// Day of March 2026, or `None` for an empty cell.
    day: Option<u32>,
    numbers: [NumberCell; 3],
    title: String,
}

fn row() -> impl Strategy<Value = Row> {
    (
        prop::option::weighted(0.9, 0u8..5),
        prop::sample::select(vec!["", "-", "N/A", "null"]),
        prop::option::weighted(0.8, 1u32..4),
        [number_cell(), number_cell(), number_cell()],
        title(),
    )
        .prop_map(|(note, missing_note, day, numbers, title)| Row {
            note,
            missing_note,
            day,
            numbers,
            title,
        })
}

/// A cell as CSV writes it: quoted when it must be (and sometimes when not).
fn cell(text: &str, delimiter: char, quote: bool) -> String {
    if quote || text.contains([delimiter, '"', '\n', '\r', ',']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[derive(Debug, Clone, Copy)]
enum Wrapping {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
}

fn encode(text: &str, wrapping: Wrapping) -> Vec<u8> {
    match wrapping {
        Wrapping::Utf8 => text.as_bytes().to_vec(),
        Wrapping::Utf8Bom => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        Wrapping::Utf16Le => [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect(),
        Wrapping::Utf16Be => [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect(),
    }
}

proptest! {
    #![proptest_config(config(200))]

    /// Columns: note_id, date, impressions, views, likes, title (last, so a
    /// newline inside it cannot hide the other delimiters of its row from
    /// the sniffer).
    #[test]
    fn generated_tables_account_for_every_row_and_sum_exactly(
        rows in prop::collection::vec(row(), 0..25),
        delimiter in prop::sample::select(vec![',', ';', '\t', '|']),
        line_end in prop::sample::select(vec!["\n", "\r\n", "\r"]),
        final_line_end in any::<bool>(),
        quote_all in any::<bool>(),
        wrapping in prop::sample::select(vec![Wrapping::Utf8, Wrapping::Utf8Bom, Wrapping::Utf16Le, Wrapping::Utf16Be]),
    ) {
        let d = delimiter.to_string();
        let mut lines = vec![["note_id", "date", "impressions", "views", "likes", "title"].join(&d)];
        for r in &rows {
            let note = r.note.map_or(r.missing_note.to_string(), |n| format!("n{n}"));
            let date = r.day.map_or(String::new(), |day| format!("2026-03-{day:02}"));
            let mut cells = vec![cell(&note, delimiter, quote_all), cell(&date, delimiter, quote_all)];
            cells.extend(r.numbers.iter().map(|n| cell(&n.text, delimiter, quote_all)));
            cells.push(cell(&r.title, delimiter, true));
            lines.push(cells.join(&d));
        }
        let mut text = lines.join(line_end);
        if final_line_end {
            text.push_str(line_end);
        }
        let bytes = encode(&text, wrapping);

        // The model: what the importer must make of these rows.
        let mut seen = std::collections::HashSet::new();
        let (mut data_rows, mut read, mut rejected, mut duplicate, mut problems) = (0, 0, 0, 0, 0);
        let mut sums = [0.0f64; 3];
        let mut missing = [0usize; 3];
        let mut notes = Vec::new();
        for r in &rows {
            let note = r.note.map_or(r.missing_note.to_string(), |n| format!("n{n}"));
            let blank = note.trim().is_empty()
                && r.day.is_none()
                && r.numbers.iter().all(|n| n.text.trim().is_empty())
                && r.title.bytes().all(|b| b.is_ascii_whitespace());
            if blank {
                continue;
            }
            data_rows += 1;
            problems += r.numbers.iter().filter(|n| n.garbage).count();
            let Some(n) = r.note else {
                rejected += 1;
                problems += 1;
                continue;
            };
            // Without its date a row cannot be shown to repeat another.
            if r.day.is_some() && !seen.insert((n, r.day)) {
                duplicate += 1;
                problems += 1;
                continue;
            }
            read += 1;
            notes.push(format!("n{n}"));
            for (k, cell) in r.numbers.iter().enumerate() {
                match cell.value {
                    Some(v) => sums[k] += v,
                    None => missing[k] += 1,
                }
            }
        }

        let i = import("generated.csv", &bytes, &ImportOptions::default())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text:?}")))?;
        prop_assert_eq!(i.kind, Kind::Notes);
        prop_assert_eq!(char::from(i.delimiter), delimiter, "{:?}", text);
        prop_assert_eq!(i.rows_read + i.rows_rejected + i.rows_duplicate, data_rows);
        prop_assert_eq!((i.rows_read, i.rows_rejected, i.rows_duplicate), (read, rejected, duplicate));
        prop_assert_eq!(i.problem_count, problems, "{:?}", i.problems);
        for (k, field) in ["impressions", "views", "likes"].into_iter().enumerate() {
            let got = i.table.sum(field);
            prop_assert!(close(sums[k], got, 1e-9), "{} sum: model {} importer {}", field, sums[k], got);
            let got_missing = i.table.numbers(field).map_or(0, |v| v.iter().filter(|x| x.is_nan()).count());
            prop_assert_eq!(got_missing, missing[k], "{} missing", field);
        }
        let column = i.table.text("note_id").expect("note_id is present");
        let got: Vec<&str> = (0..column.len()).filter_map(|r| column.get(r)).collect();
        prop_assert_eq!(got, notes);
    }
}

// ---------------------------------------------------------------------------
// Cell parsers.

fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |x| x.is_finite()),
        (-1e12f64..1e12),
        (0i64..10_000_000_000).prop_map(|n| n as f64),
        (0i64..10_000_000).prop_map(|c| c as f64 / 100.0),
    ]
}

fn signed_grouped(x: f64) -> String {
    if x.is_sign_negative() {
        format!("-{}", grouped(-x))
    } else {
        grouped(x)
    }
}

proptest! {
    #![proptest_config(config(500))]

    #[test]
    fn parse_number_reads_back_what_display_writes(x in finite()) {
        let text = format!("{x}");
        let got = value::parse_number(&text);
        prop_assert!(matches!(got, Ok(Some(y)) if close(x, y, 1e-12)), "{text:?} -> {got:?}");
    }

    #[test]
    fn parse_number_reads_thousands_groups(x in finite()) {
        let text = signed_grouped(x);
        let got = value::parse_number(&text);
        prop_assert!(matches!(got, Ok(Some(y)) if close(x, y, 1e-12)), "{text:?} -> {got:?}");
        // Quoted in a CSV cell with currency marks around it, too.
        let text = format!("¥{text}");
        let got = value::parse_number(&text);
        prop_assert!(matches!(got, Ok(Some(y)) if close(x, y, 1e-12)), "{text:?} -> {got:?}");
    }

    #[test]
    fn parse_number_scales_wan(x in finite().prop_filter("normal range", |x| *x == 0.0 || (1e-290..1e290).contains(&x.abs()))) {
        let text = format!("{}万", x / 1e4);
        let got = value::parse_number(&text);
        prop_assert!(matches!(got, Ok(Some(y)) if close(x, y, 1e-12)), "{text:?} -> {got:?}");
    }

    #[test]
    fn value_parsers_never_panic(text in "\\PC{0,24}") {
        let _ = value::parse_number(&text);
        let _ = value::parse_time(&text, DayOrder::DayFirst);
        let _ = value::parse_time(&text, DayOrder::MonthFirst);
        let _ = value::parse_flag(&text);
    }
}

/// A date and a wall-clock time.
#[derive(Debug, Clone, Copy)]
struct Moment {
    y: i32,
    m: u32,
    d: u32,
    h: u32,
    mi: u32,
    s: u32,
}

fn moment(years: std::ops::RangeInclusive<i32>) -> impl Strategy<Value = Moment> {
    (years, 1u32..=12, 1u32..=31, 0u32..24, 0u32..60, 0u32..60).prop_map(|(y, m, d, h, mi, s)| {
        let d = d.min(time::days_in_month(y, m));
        Moment { y, m, d, h, mi, s }
    })
}

fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            ' ' => '\u{3000}',
            c => c,
        })
        .collect()
}

proptest! {
    #![proptest_config(config(500))]

    #[test]
    fn parse_time_agrees_with_the_calendar(t in moment(1900..=2199), layout in 0usize..15) {
        let Moment { y, m, d, h, mi, s } = t;
        let day = Day::from_ymd(y, m, d).expect("generated dates exist");
        let date_only = day.timestamp();
        let with_time = time::timestamp(day, h, mi, s);
        let (text, order, want) = match layout {
            0 => (format!("{y}-{m:02}-{d:02}"), DayOrder::DayFirst, date_only),
            1 => (format!("{y}/{m}/{d}"), DayOrder::MonthFirst, date_only),
            2 => (format!("{y}.{m:02}.{d:02}"), DayOrder::DayFirst, date_only),
            3 => (format!("{y}年{m}月{d}日"), DayOrder::DayFirst, date_only),
            4 => (format!("{y}年{m:02}月{d:02}日{h:02}时{mi:02}分{s:02}秒"), DayOrder::DayFirst, with_time),
            5 => (format!("{y}年{m}月{d}日 {h}:{mi:02}:{s:02}"), DayOrder::MonthFirst, with_time),
            6 => (format!("{y}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}"), DayOrder::DayFirst, with_time),
            7 => (format!("{y}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}"), DayOrder::DayFirst, with_time),
            8 => (format!("{y}/{m}/{d} {h}:{mi:02}"), DayOrder::DayFirst, with_time - i64::from(s)),
            9 => (format!("{d:02}/{m:02}/{y}"), DayOrder::DayFirst, date_only),
            10 => (format!("{m:02}/{d:02}/{y} {h:02}:{mi:02}:{s:02}"), DayOrder::MonthFirst, with_time),
            11 => (format!("{d}.{m}.{y}"), DayOrder::DayFirst, date_only),
            12 => (format!("{y}{m:02}{d:02}"), DayOrder::DayFirst, date_only),
            13 => (full_width(&format!("{y}-{m:02}-{d:02} {h:02}:{mi:02}")), DayOrder::DayFirst, with_time - i64::from(s)),
            _ => {
                // Excel serial days: 1899-12-30 is day zero; the fraction is the time.
                let serial = i64::from(day.0) + 25_569;
                prop_assume!((1..100_000).contains(&serial));
                let seconds = i64::from(h) * 3600 + i64::from(mi) * 60;
                (format!("{}", serial as f64 + seconds as f64 / 86_400.0), DayOrder::DayFirst, date_only + seconds)
            }
        };
        let got = value::parse_time(&text, order);
        prop_assert_eq!(got, Ok(Some(want)), "{:?}", text);
    }

    #[test]
    fn unix_timestamps_are_read_as_china_time(t in moment(2002..=2199), millis in 0u32..1000, in_ms in any::<bool>()) {
        let Moment { y, m, d, h, mi, s } = t;
        let wall = time::timestamp(Day::from_ymd(y, m, d).unwrap(), h, mi, s);
        let unix = wall - value::UNIX_TO_CHINA_SECONDS;
        let text = if in_ms {
            format!("{}", unix * 1000 + i64::from(millis))
        } else {
            format!("{unix}")
        };
        prop_assert_eq!(value::parse_time(&text, DayOrder::DayFirst), Ok(Some(wall)), "{:?}", text);
    }
}
