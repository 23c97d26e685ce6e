//! The importer's fixture corpus: every data file under `tests/fixtures/import/`
//! beside a sidecar `<name>.expect.json` is one case. One test walks them all,
//! checks each against its sidecar and reports every failure at the end, so a
//! new case needs no Rust code. `docs/testing-import.md` describes the schema.
//!
//! A case marked `pending` documents a feature not implemented yet: it is
//! checked, a mismatch is listed as pending (not a failure), and a pending
//! case that passes fails the run, so the mark is removed when the feature lands.
//!
//! Environment: `FIXTURE=<text>` runs only the cases whose name contains the
//! text; `FIXTURE_SHOW=1` prints what the importer made of each case.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use xhs_roi_engine::csv::Encoding;
use xhs_roi_engine::table::Table;
use xhs_roi_engine::time::format_timestamp;
use xhs_roi_engine::value::DayOrder;
use xhs_roi_engine::{import, Import, ImportOptions, Kind, Problem};

const SIDECAR: &str = ".expect.json";
/// Files in the corpus folder that are not cases.
const NOT_CASES: &[&str] = &[".py", ".md", ".gitattributes"];
const RELATIVE_TOLERANCE: f64 = 1e-9;

#[derive(Debug, Deserialize, PartialEq, Eq, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum Outcome {
    Ok,
    Error,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    outcome: Outcome,
    error_contains: Option<String>,
    /// What to force instead of detecting (`ImportOptions`).
    #[serde(default)]
    options: Options,
    /// Further data files (relative to this case's folder) imported with the
    /// same options and appended to this one's table: counts and problems are
    /// then summed over all files, table checks apply to the appended table.
    #[serde(default)]
    append: Vec<String>,
    kind: Option<String>,
    encoding: Option<String>,
    delimiter: Option<String>,
    header_line: Option<u64>,
    rows_read: Option<usize>,
    rows_rejected: Option<usize>,
    rows_with_problems: Option<usize>,
    rows_duplicate: Option<usize>,
    problem_count: Option<usize>,
    #[serde(default)]
    totals: BTreeMap<String, f64>,
    /// First values of numeric columns in row order (`null` for missing).
    #[serde(default)]
    numbers: BTreeMap<String, Vec<Option<f64>>>,
    #[serde(default)]
    text: BTreeMap<String, Vec<Option<String>>>,
    #[serde(default)]
    times: BTreeMap<String, Vec<Option<String>>>,
    #[serde(default)]
    missing: BTreeMap<String, usize>,
    /// Canonical fields that must not be in the table.
    #[serde(default)]
    absent: Vec<String>,
    columns: Option<Vec<(String, Option<String>)>>,
    /// The decided day/month order of each date column with short dates.
    date_orders: Option<Vec<ExpectDateOrder>>,
    /// The whole problem list, in order.
    problems: Option<Vec<ExpectProblem>>,
    /// Problems that must each match one listed problem, in any order.
    #[serde(default)]
    problems_include: Vec<ExpectProblem>,
    pending: Option<String>,
    /// Free text for the reader of the sidecar.
    #[allow(dead_code)]
    comment: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    kind: Option<String>,
    encoding: Option<String>,
    delimiter: Option<String>,
    header_line: Option<u64>,
    /// `day_first` or `month_first`.
    day_order: Option<String>,
}

#[derive(Debug, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct ExpectDateOrder {
    header: String,
    order: String,
    basis: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectProblem {
    line: Option<u64>,
    column: Option<String>,
    value: Option<String>,
    message: Option<String>,
    message_contains: Option<String>,
}

impl ExpectProblem {
    fn matches(&self, p: &Problem) -> bool {
        self.line.is_none_or(|l| l == p.line)
            && self.column.as_ref().is_none_or(|c| *c == p.column)
            && self.value.as_ref().is_none_or(|v| *v == p.value)
            && self.message.as_ref().is_none_or(|m| *m == p.message)
            && self
                .message_contains
                .as_ref()
                .is_none_or(|m| p.message.contains(m.as_str()))
    }
}

struct Case {
    /// Path under the corpus folder without the extension, e.g. `bad/empty`.
    name: String,
    data: PathBuf,
    sidecar: PathBuf,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/import")
}

/// Every case under the corpus folder, sorted by name. Errors: data files
/// without a sidecar, sidecars without (or with two) data files.
fn discover(dir: &Path) -> (Vec<Case>, Vec<String>) {
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.sort();
    let mut data: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut sidecars = Vec::new();
    for file in files {
        let file_name = file.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(stem) = file_name.strip_suffix(SIDECAR) {
            sidecars.push((file.with_file_name(stem), file));
        } else if !NOT_CASES.iter().any(|s| file_name.ends_with(s)) {
            let stem = match file_name.rsplit_once('.') {
                Some((stem, _)) if !stem.is_empty() => stem.to_string(),
                _ => file_name.clone(),
            };
            data.entry(file.with_file_name(stem))
                .or_default()
                .push(file);
        }
    }
    let mut cases = Vec::new();
    let mut errors = Vec::new();
    for (stem, sidecar) in sidecars {
        let name = stem
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        match data.remove(&stem).as_deref() {
            Some([file]) => cases.push(Case {
                name,
                data: file.clone(),
                sidecar,
            }),
            Some(files) => errors.push(format!(
                "{name}: several data files share the sidecar: {files:?}"
            )),
            None => errors.push(format!("{name}: sidecar without a data file")),
        }
    }
    for files in data.values() {
        for file in files {
            errors.push(format!(
                "{}: data file without a sidecar <name>{SIDECAR}",
                file.display()
            ));
        }
    }
    (cases, errors)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn options(expect: &Expect) -> Result<ImportOptions, String> {
    let o = &expect.options;
    let mut options = ImportOptions::default();
    if let Some(name) = &o.kind {
        options.kind = Some(Kind::from_name(name).ok_or(format!("unknown kind {name:?}"))?);
    }
    if let Some(name) = &o.encoding {
        options.encoding =
            Some(Encoding::from_name(name).ok_or(format!("unknown encoding {name:?}"))?);
    }
    if let Some(d) = &o.delimiter {
        match d.as_bytes() {
            [b] => options.delimiter = Some(*b),
            _ => return Err(format!("delimiter {d:?} is not one ASCII character")),
        }
    }
    options.header_line = o.header_line;
    options.day_order = match o.day_order.as_deref() {
        None => None,
        Some("day_first") => Some(DayOrder::DayFirst),
        Some("month_first") => Some(DayOrder::MonthFirst),
        Some(other) => return Err(format!("unknown day_order {other:?}")),
    };
    Ok(options)
}

fn read_and_import(path: &Path, options: &ImportOptions) -> Result<Import, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file = path.file_name().unwrap().to_string_lossy();
    import(&file, &bytes, options).map_err(|e| {
        let shown = e.to_string();
        let prefix = format!("{file}: ");
        if shown.starts_with(&prefix) {
            shown
        } else {
            format!("{shown} [ImportError's Display does not start with {prefix:?}]")
        }
    })
}

/// Checks one case; the list of mismatches (empty when it passes).
fn check(case: &Case, expect: &Expect) -> Vec<String> {
    let mut bad = Vec::new();
    let options = match options(expect) {
        Ok(o) => o,
        Err(e) => return vec![e],
    };
    let first = read_and_import(&case.data, &options);
    if std::env::var_os("FIXTURE_SHOW").is_some() {
        println!("--- {}\n{}", case.name, show(&first));
    }
    let mut import = match (expect.outcome, first) {
        (Outcome::Error, Err(message)) => {
            if let Some(want) = &expect.error_contains {
                if !message.contains(want.as_str()) {
                    bad.push(format!("error {message:?} does not contain {want:?}"));
                }
            }
            return bad;
        }
        (Outcome::Error, Ok(i)) => {
            return vec![format!(
                "expected an error, but the file was read: {} rows of {}",
                i.rows_read,
                i.kind.name()
            )]
        }
        (Outcome::Ok, Err(message)) => return vec![format!("expected ok, got error {message:?}")],
        (Outcome::Ok, Ok(i)) => i,
    };
    if expect.error_contains.is_some() {
        bad.push("error_contains is given but the outcome is ok".into());
    }

    for extra in &expect.append {
        let path = case.data.with_file_name(extra);
        match read_and_import(&path, &options) {
            Ok(next) => {
                import.table.append(&next.table);
                import.rows_read += next.rows_read;
                import.rows_rejected += next.rows_rejected;
                import.rows_with_problems += next.rows_with_problems;
                import.rows_duplicate += next.rows_duplicate;
                import.problem_count += next.problem_count;
                import.problems.extend(next.problems);
            }
            Err(message) => bad.push(format!("append {extra}: {message}")),
        }
    }

    let i = &import;
    let mut same = |what: &str, want: Option<String>, got: String| {
        if let Some(want) = want {
            if want != got {
                bad.push(format!("{what}: expected {want:?}, got {got:?}"));
            }
        }
    };
    same("kind", expect.kind.clone(), i.kind.name().to_string());
    same(
        "encoding",
        expect.encoding.clone(),
        i.encoding.name().to_string(),
    );
    same(
        "delimiter",
        expect.delimiter.clone(),
        char::from(i.delimiter).to_string(),
    );
    same(
        "header_line",
        expect.header_line.map(|n| n.to_string()),
        i.header_line.to_string(),
    );
    for (what, want, got) in [
        ("rows_read", expect.rows_read, i.rows_read),
        ("rows_rejected", expect.rows_rejected, i.rows_rejected),
        (
            "rows_with_problems",
            expect.rows_with_problems,
            i.rows_with_problems,
        ),
        ("rows_duplicate", expect.rows_duplicate, i.rows_duplicate),
        ("problem_count", expect.problem_count, i.problem_count),
    ] {
        same(what, want.map(|n| n.to_string()), got.to_string());
    }

    if let Some(want) = &expect.columns {
        let got: Vec<(String, Option<String>)> = i
            .columns
            .iter()
            .map(|c| (c.header.clone(), c.field.map(str::to_string)))
            .collect();
        if *want != got {
            bad.push(format!("columns: expected {want:?}, got {got:?}"));
        }
    }

    if let Some(want) = &expect.date_orders {
        let got: Vec<serde_json::Value> = i
            .date_orders
            .iter()
            .map(|d| serde_json::to_value(d).expect("DateOrder serializes"))
            .collect();
        let want: Vec<serde_json::Value> = want
            .iter()
            .map(|d| serde_json::to_value(d).expect("plain strings"))
            .collect();
        if want != got {
            bad.push(format!("date_orders: expected {want:?}, got {got:?}"));
        }
    }

    check_table(&i.table, expect, &mut bad);

    if let Some(want) = &expect.problems {
        let matches = want.len() == i.problems.len()
            && want.iter().zip(&i.problems).all(|(w, p)| w.matches(p));
        if !matches {
            bad.push(format!(
                "problems: expected {want:?}, got {}",
                show_problems(&i.problems)
            ));
        }
    }
    for w in &expect.problems_include {
        if !i.problems.iter().any(|p| w.matches(p)) {
            bad.push(format!(
                "problems_include: no problem matches {w:?}; got {}",
                show_problems(&i.problems)
            ));
        }
    }
    bad
}

fn check_table(table: &Table, expect: &Expect, bad: &mut Vec<String>) {
    let kind = table.kind;
    let field_ok = |field: &str, bad: &mut Vec<String>| {
        let ok = kind.field_index(field).is_some();
        if !ok {
            bad.push(format!("{} has no field {field:?}", kind.name()));
        }
        ok
    };
    for (field, &want) in &expect.totals {
        if field_ok(field, bad) {
            let got = table.sum(field);
            if !close(want, got) {
                bad.push(format!("total {field}: expected {want}, got {got}"));
            }
        }
    }
    for (field, want) in &expect.numbers {
        if !field_ok(field, bad) {
            continue;
        }
        let Some(got) = table.numbers(field) else {
            bad.push(format!(
                "numbers {field}: not a numeric column in the table"
            ));
            continue;
        };
        let got: Vec<Option<f64>> = got.iter().map(|&x| (!x.is_nan()).then_some(x)).collect();
        let agree = got.len() >= want.len()
            && want.iter().zip(&got).all(|(w, g)| match (w, g) {
                (Some(w), Some(g)) => close(*w, *g),
                (None, None) => true,
                _ => false,
            });
        if !agree {
            bad.push(format!("numbers {field}: expected {want:?}, got {got:?}"));
        }
    }
    for (field, want) in &expect.text {
        if !field_ok(field, bad) {
            continue;
        }
        let Some(column) = table.text(field) else {
            bad.push(format!("text {field}: not a text column in the table"));
            continue;
        };
        let got: Vec<Option<String>> = (0..column.len())
            .map(|r| column.get(r).map(str::to_string))
            .collect();
        if got.len() < want.len() || got[..want.len()] != want[..] {
            bad.push(format!("text {field}: expected {want:?}, got {got:?}"));
        }
    }
    for (field, want) in &expect.times {
        if !field_ok(field, bad) {
            continue;
        }
        let Some(column) = table.times(field) else {
            bad.push(format!("times {field}: not a time column in the table"));
            continue;
        };
        let got: Vec<Option<String>> = column
            .iter()
            .map(|&t| (t != xhs_roi_engine::table::MISSING_TIME).then(|| format_timestamp(t)))
            .collect();
        if got.len() < want.len() || got[..want.len()] != want[..] {
            bad.push(format!("times {field}: expected {want:?}, got {got:?}"));
        }
    }
    for (field, &want) in &expect.missing {
        if !field_ok(field, bad) {
            continue;
        }
        match table.numbers(field) {
            Some(v) => {
                let got = v.iter().filter(|x| x.is_nan()).count();
                if got != want {
                    bad.push(format!("missing {field}: expected {want}, got {got}"));
                }
            }
            None => bad.push(format!(
                "missing {field}: not a numeric column in the table"
            )),
        }
    }
    for field in &expect.absent {
        if field_ok(field, bad) && table.has(field) {
            bad.push(format!("{field}: expected absent, but the table has it"));
        }
    }
}

fn close(want: f64, got: f64) -> bool {
    want == got || (want - got).abs() <= RELATIVE_TOLERANCE * want.abs().max(got.abs())
}

fn show_problems(problems: &[Problem]) -> String {
    let mut out = String::from("[");
    for p in problems {
        let _ = write!(
            out,
            "\n      line {} column {:?} value {:?}: {}",
            p.line, p.column, p.value, p.message
        );
    }
    out.push_str(" ]");
    out
}

/// What the importer made of a file, for `FIXTURE_SHOW=1`.
fn show(result: &Result<Import, String>) -> String {
    let i = match result {
        Err(message) => return format!("error: {message}"),
        Ok(i) => i,
    };
    let mut out = format!(
        "kind {} encoding {} delimiter {:?} header_line {}\nrows_read {} rejected {} with_problems {} duplicate {} problem_count {}\n",
        i.kind.name(),
        i.encoding.name(),
        char::from(i.delimiter),
        i.header_line,
        i.rows_read,
        i.rows_rejected,
        i.rows_with_problems,
        i.rows_duplicate,
        i.problem_count
    );
    for c in &i.columns {
        let _ = writeln!(out, "  column {:?} -> {:?}", c.header, c.field);
    }
    for d in &i.date_orders {
        let _ = writeln!(
            out,
            "  date order {}",
            serde_json::to_string(d).unwrap_or_default()
        );
    }
    for (index, field) in i.kind.fields().iter().enumerate() {
        let name = field.name;
        match &i.table.columns[index] {
            xhs_roi_engine::table::Column::Absent => {}
            xhs_roi_engine::table::Column::Number(v) => {
                let _ = writeln!(out, "  {name}: sum {} values {v:?}", i.table.sum(name));
            }
            xhs_roi_engine::table::Column::Text(c) => {
                let v: Vec<Option<&str>> = (0..c.len()).map(|r| c.get(r)).collect();
                let _ = writeln!(out, "  {name}: {v:?}");
            }
            xhs_roi_engine::table::Column::Time(v) => {
                let v: Vec<Option<String>> = v
                    .iter()
                    .map(|&t| {
                        (t != xhs_roi_engine::table::MISSING_TIME).then(|| format_timestamp(t))
                    })
                    .collect();
                let _ = writeln!(out, "  {name}: {v:?}");
            }
        }
    }
    let _ = write!(out, "  problems {}", show_problems(&i.problems));
    out
}

#[test]
fn every_fixture_case_imports_as_its_sidecar_expects() {
    let dir = corpus_dir();
    let (cases, mut failures) = discover(&dir);
    let filter = std::env::var("FIXTURE").ok();
    let (mut passed, mut pending, mut run) = (0, Vec::new(), 0);
    for case in &cases {
        if filter
            .as_ref()
            .is_some_and(|f| !case.name.contains(f.as_str()))
        {
            continue;
        }
        run += 1;
        let expect: Expect = match std::fs::read_to_string(&case.sidecar)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(e) => e,
            Err(e) => {
                failures.push(format!("{}: bad sidecar: {e}", case.name));
                continue;
            }
        };
        let mismatches = catch_unwind(AssertUnwindSafe(|| check(case, &expect)))
            .unwrap_or_else(|_| vec!["the importer or the check panicked".into()]);
        match (&expect.pending, mismatches.is_empty()) {
            (None, true) => passed += 1,
            (None, false) => failures.push(format!(
                "{}:\n    - {}",
                case.name,
                mismatches.join("\n    - ")
            )),
            (Some(reason), false) => pending.push(format!(
                "{}: {reason}\n      (still differs: {})",
                case.name, mismatches[0]
            )),
            (Some(reason), true) => failures.push(format!(
                "{}: marked pending ({reason}) but now passes: remove the \"pending\" key",
                case.name
            )),
        }
    }
    // Written to the process's stdout, not through `println!`, so that the
    // summary and the pending list show even when the test passes (the test
    // harness captures `println!`).
    let mut report = format!(
        "\nfixtures: {run} cases run of {}: {passed} pass, {} pending, {} failing\n",
        cases.len(),
        pending.len(),
        failures.len()
    );
    for p in &pending {
        let _ = writeln!(report, "PENDING {p}");
    }
    for f in &failures {
        let _ = writeln!(report, "FAIL {f}");
    }
    let _ = std::io::Write::write_all(&mut std::io::stdout(), report.as_bytes());
    assert!(
        failures.is_empty(),
        "{} fixture case(s) failed",
        failures.len()
    );
    assert!(run > 0, "no fixture case ran (FIXTURE={filter:?})");
}
