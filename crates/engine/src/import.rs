//! From a file's bytes to a typed [`Table`], with every problem reported.
//!
//! Nothing is dropped silently: a cell that cannot be read becomes a
//! [`Problem`] naming its line, column and raw text; a row is rejected (and
//! listed) only when a required field is missing or unreadable.

use std::collections::HashMap;

use serde::Serialize;

use crate::csv::{self, Encoding, ReadError, Records};
use crate::schema::{match_header, CostCategory, FieldType, Kind};
use crate::table::{Column, Table, MISSING_TIME};
use crate::value::{self, DayOrder, ValueError};

/// At most this many problems are listed; all are counted.
pub const MAX_LISTED_PROBLEMS: usize = 10_000;

/// How far down the file the header row is looked for.
const HEADER_SEARCH_RECORDS: usize = 30;

/// A file that could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct ImportError {
    pub file: String,
    pub reason: ReadError,
}

/// One cell or row that could not be read as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// 1-based line in the file where the row starts.
    pub line: u64,
    /// The column header as the file writes it (empty for a whole-row problem).
    pub column: String,
    /// The raw text of the cell.
    pub value: String,
    /// The reason in English (the CLI and CSV exports print it).
    pub message: String,
    /// The reason as data, for interfaces that say it in another language.
    #[serde(skip)]
    pub reason: ProblemReason,
}

/// Why a cell or row was not read as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemReason {
    /// An optional cell could not be read; the row is kept with it missing.
    Unreadable(ValueError),
    /// A required cell could not be read; the row is rejected.
    RequiredUnreadable(ValueError),
    /// A required cell is empty; the row is rejected.
    RequiredMissing,
    /// The row has a different number of fields from the header.
    FieldCount { found: usize, expected: usize },
    /// The row repeats an earlier one (same order id, or same note and date).
    Duplicate { first_line: u64 },
}

impl std::fmt::Display for ProblemReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProblemReason::Unreadable(e) => write!(f, "{e}"),
            ProblemReason::RequiredUnreadable(e) => write!(f, "{e}; required, row rejected"),
            ProblemReason::RequiredMissing => f.write_str("required value missing; row rejected"),
            ProblemReason::FieldCount { found, expected } => {
                write!(f, "row has {found} fields, the header has {expected}")
            }
            ProblemReason::Duplicate { first_line } => {
                write!(f, "duplicate of line {first_line}; counted once")
            }
        }
    }
}

/// Which file column became which canonical field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnMapping {
    pub header: String,
    /// `None` when the column is not used.
    pub field: Option<&'static str>,
}

/// What the caller may force instead of detecting.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub kind: Option<Kind>,
}

/// The result of reading one file.
#[derive(Debug, Clone)]
pub struct Import {
    pub file: String,
    pub kind: Kind,
    pub encoding: Encoding,
    pub delimiter: u8,
    /// 1-based line of the header row.
    pub header_line: u64,
    pub columns: Vec<ColumnMapping>,
    pub table: Table,
    /// Data rows kept (with or without problems).
    pub rows_read: usize,
    pub rows_rejected: usize,
    pub rows_with_problems: usize,
    /// Duplicate rows (same note and date, same order id) counted once.
    pub rows_duplicate: usize,
    /// Every problem found, in file order; the first [`MAX_LISTED_PROBLEMS`] are kept.
    pub problems: Vec<Problem>,
    pub problem_count: usize,
}

/// Reads a file as a table: decodes, sniffs, finds the header, maps columns
/// and parses every cell.
pub fn import(file: &str, bytes: &[u8], options: &ImportOptions) -> Result<Import, ImportError> {
    let fail = |reason| ImportError {
        file: file.to_string(),
        reason,
    };
    let (text, encoding) = csv::decode(bytes).map_err(fail)?;
    let delimiter = csv::sniff_delimiter(&text);

    let mut records = Records::new(&text, delimiter);
    let mut sample: Vec<(u64, Vec<String>)> = Vec::new();
    while sample.len() < HEADER_SEARCH_RECORDS {
        match records.next_record() {
            Some(r) => sample.push((r.line, r.iter().map(str::to_string).collect())),
            None => break,
        }
    }
    let (header_index, kind) =
        find_header(&sample, options.kind).ok_or_else(|| fail(ReadError::NoHeader))?;
    let (header_line, headers) = sample[header_index].clone();

    let fields = kind.fields();
    let mut field_of_column: Vec<Option<usize>> = Vec::with_capacity(headers.len());
    let mut taken = vec![false; fields.len()];
    for header in &headers {
        let field = match_header(kind, header).filter(|&f| !taken[f]);
        if let Some(f) = field {
            taken[f] = true;
        }
        field_of_column.push(field);
    }
    let columns = headers
        .iter()
        .zip(&field_of_column)
        .map(|(h, f)| ColumnMapping {
            header: h.clone(),
            field: f.map(|f| fields[f].name),
        })
        .collect();

    let mut builder = Builder {
        kind,
        headers: &headers,
        field_of_column: &field_of_column,
        table: Table::new(kind, &taken),
        problems: Vec::new(),
        problem_count: 0,
        rows_rejected: 0,
        rows_with_problems: 0,
        rows_duplicate: 0,
        seen: HashMap::new(),
    };

    let mut records = Records::new(&text, delimiter);
    for _ in 0..=header_index {
        records.next_record();
    }
    while let Some(record) = records.next_record() {
        if record.is_blank() {
            continue;
        }
        builder.row(&record);
    }

    let rows_read = builder.table.rows;
    Ok(Import {
        file: file.to_string(),
        kind,
        encoding,
        delimiter,
        header_line,
        columns,
        table: builder.table,
        rows_read,
        rows_rejected: builder.rows_rejected,
        rows_with_problems: builder.rows_with_problems,
        rows_duplicate: builder.rows_duplicate,
        problems: builder.problems,
        problem_count: builder.problem_count,
    })
}

/// The record that best looks like a header, and its kind. A kind qualifies
/// when every required field is named; the most matched fields win, then the
/// earliest record.
fn find_header(sample: &[(u64, Vec<String>)], forced: Option<Kind>) -> Option<(usize, Kind)> {
    let kinds: Vec<Kind> = forced.map_or_else(|| Kind::ALL.to_vec(), |k| vec![k]);
    let mut best: Option<(usize, usize, Kind)> = None;
    for (index, (_, cells)) in sample.iter().enumerate() {
        for &kind in &kinds {
            let mut matched = vec![false; kind.fields().len()];
            for cell in cells {
                if let Some(f) = match_header(kind, cell) {
                    matched[f] = true;
                }
            }
            let required_ok = kind
                .fields()
                .iter()
                .zip(&matched)
                .all(|(f, &m)| !f.required || m);
            let score = matched.iter().filter(|&&m| m).count();
            if required_ok && score >= 2 && best.is_none_or(|(_, s, _)| score > s) {
                best = Some((index, score, kind));
            }
        }
    }
    best.map(|(i, _, k)| (i, k))
}

enum Cell<'a> {
    Text(Option<&'a str>),
    Number(f64),
    Time(i64),
}

struct Builder<'h> {
    kind: Kind,
    headers: &'h [String],
    field_of_column: &'h [Option<usize>],
    table: Table,
    problems: Vec<Problem>,
    problem_count: usize,
    rows_rejected: usize,
    rows_with_problems: usize,
    rows_duplicate: usize,
    /// Row identity (for duplicates) to the line it was first seen on.
    seen: HashMap<String, u64>,
}

impl Builder<'_> {
    fn problem(&mut self, line: u64, column: &str, value: &str, reason: ProblemReason) {
        self.problem_count += 1;
        if self.problems.len() < MAX_LISTED_PROBLEMS {
            self.problems.push(Problem {
                line,
                column: column.to_string(),
                value: value.to_string(),
                message: reason.to_string(),
                reason,
            });
        }
    }

    fn row(&mut self, record: &csv::Record<'_>) {
        let fields = self.kind.fields();
        let line = record.line;
        let problems_before = self.problem_count;
        let mut rejected = false;
        if record.len() != self.headers.len() {
            self.problem(
                line,
                "",
                "",
                ProblemReason::FieldCount {
                    found: record.len(),
                    expected: self.headers.len(),
                },
            );
        }

        let mut cells: Vec<(usize, Cell<'_>)> = Vec::with_capacity(self.field_of_column.len());
        for (column, field) in self.field_of_column.iter().enumerate() {
            let Some(field) = *field else { continue };
            let spec = &fields[field];
            let raw = record.get(column).unwrap_or("");
            let parsed: Result<Cell<'_>, ValueError> = match spec.ty {
                FieldType::Text => Ok(Cell::Text((!value::is_missing(raw)).then(|| raw.trim()))),
                FieldType::CostCategory => {
                    if value::is_missing(raw) {
                        Ok(Cell::Text(None))
                    } else {
                        CostCategory::parse(raw)
                            .map(|c| Cell::Text(Some(c.name())))
                            .ok_or(ValueError::UnknownCategory)
                    }
                }
                FieldType::Number => {
                    value::parse_number(raw).map(|n| Cell::Number(n.unwrap_or(f64::NAN)))
                }
                FieldType::Flag => value::parse_flag(raw)
                    .map(|f| Cell::Number(f.map_or(f64::NAN, |b| f64::from(u8::from(b))))),
                FieldType::Time => value::parse_time(raw, DayOrder::DayFirst)
                    .map(|t| Cell::Time(t.unwrap_or(MISSING_TIME))),
            };
            let cell = match parsed {
                Ok(cell) => cell,
                Err(error) => {
                    let header = self.headers[column].clone();
                    let reason = if spec.required {
                        rejected = true;
                        ProblemReason::RequiredUnreadable(error)
                    } else {
                        ProblemReason::Unreadable(error)
                    };
                    self.problem(line, &header, raw, reason);
                    missing_cell(spec.ty)
                }
            };
            if spec.required && !rejected && is_missing_cell(&cell) {
                let header = self.headers[column].clone();
                self.problem(line, &header, raw, ProblemReason::RequiredMissing);
                rejected = true;
            }
            cells.push((field, cell));
        }

        if rejected {
            self.rows_rejected += 1;
            return;
        }
        if let Some(key) = self.identity(&cells) {
            if let Some(&first) = self.seen.get(&key) {
                self.rows_duplicate += 1;
                self.problem(line, "", "", ProblemReason::Duplicate { first_line: first });
                return;
            }
            self.seen.insert(key, line);
        }
        for (field, cell) in cells {
            match (&mut self.table.columns[field], cell) {
                (Column::Text(c), Cell::Text(t)) => c.push(t),
                (Column::Number(v), Cell::Number(n)) => v.push(n),
                (Column::Time(v), Cell::Time(t)) => v.push(t),
                _ => unreachable!("cell type follows the field type"),
            }
        }
        self.table.rows += 1;
        if self.problem_count > problems_before {
            self.rows_with_problems += 1;
        }
    }

    /// The key two rows share when one repeats the other: the same order id,
    /// or the same note on the same date.
    fn identity(&self, cells: &[(usize, Cell<'_>)]) -> Option<String> {
        let fields = self.kind.fields();
        let key_fields: &[&str] = match self.kind {
            Kind::Orders => &["order_id"],
            Kind::Notes => &["note_id", "date"],
            _ => return None,
        };
        let mut key = String::new();
        for name in key_fields {
            let part = cells.iter().find(|(f, _)| fields[*f].name == *name);
            match part {
                Some((_, Cell::Text(Some(t)))) => key.push_str(t),
                Some((_, Cell::Time(t))) => key.push_str(&t.to_string()),
                _ => key.push('\u{0}'),
            }
            key.push('\u{1}');
        }
        Some(key)
    }
}

fn missing_cell(ty: FieldType) -> Cell<'static> {
    match ty {
        FieldType::Text | FieldType::CostCategory => Cell::Text(None),
        FieldType::Number | FieldType::Flag => Cell::Number(f64::NAN),
        FieldType::Time => Cell::Time(MISSING_TIME),
    }
}

fn is_missing_cell(cell: &Cell<'_>) -> bool {
    match cell {
        Cell::Text(t) => t.is_none(),
        Cell::Number(n) => n.is_nan(),
        Cell::Time(t) => *t == MISSING_TIME,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Import {
        import("test.csv", text.as_bytes(), &ImportOptions::default()).unwrap()
    }

    #[test]
    fn notes_are_detected_and_summed() {
        let i = read("note_id,date,impressions,views,likes\nn1,2026-03-01,1000,100,5\nn2,2026-03-01,\"2,000\",1.2万,7\n");
        assert_eq!(i.kind, Kind::Notes);
        assert_eq!(i.header_line, 1);
        assert_eq!(i.rows_read, 2);
        assert_eq!(i.table.sum("impressions"), 3000.0);
        assert_eq!(i.table.sum("views"), 12_100.0);
        assert!(i.problems.is_empty());
    }

    #[test]
    fn title_lines_above_the_header_are_skipped() {
        let i = read("笔记列表明细表\n导出时间：2026-03-31\n笔记标题,笔记ID,曝光量,阅读量,点赞\n春日护肤,n1,1000,120,9\n");
        assert_eq!(i.kind, Kind::Notes);
        assert_eq!(i.header_line, 3);
        assert_eq!(i.table.text("note_id").unwrap().get(0), Some("n1"));
        assert_eq!(i.table.sum("views"), 120.0);
    }

    #[test]
    fn an_unreadable_optional_cell_is_missing_and_reported() {
        let i = read("note_id,views,likes\nn1,lots,3\nn2,10,4\n");
        assert_eq!(i.rows_read, 2);
        assert_eq!(i.rows_with_problems, 1);
        assert_eq!(
            i.problems,
            vec![Problem {
                line: 2,
                column: "views".into(),
                value: "lots".into(),
                message: "not a number".into(),
                reason: ProblemReason::Unreadable(ValueError::NotANumber),
            }]
        );
        assert_eq!(i.table.sum("views"), 10.0);
    }

    #[test]
    fn a_row_missing_a_required_field_is_rejected_and_listed() {
        let i = read("order_id,time,revenue\no1,2026-03-01,100\no2,,50\no3,2026-03-02,abc\n");
        assert_eq!(i.kind, Kind::Orders);
        assert_eq!(i.rows_read, 1);
        assert_eq!(i.rows_rejected, 2);
        assert_eq!(i.problems[0].line, 3);
        assert_eq!(i.problems[0].column, "time");
        assert!(i.problems[0].message.contains("rejected"));
        assert_eq!(i.problems[1].line, 4);
        assert_eq!(i.problems[1].value, "abc");
    }

    #[test]
    fn duplicate_orders_are_reported_and_counted_once() {
        let i = read("order_id,time,revenue\no1,2026-03-01,100\no1,2026-03-01,100\n");
        assert_eq!(i.rows_read, 1);
        assert_eq!(i.rows_duplicate, 1);
        assert_eq!(i.problems[0].message, "duplicate of line 2; counted once");
        assert_eq!(i.table.sum("revenue"), 100.0);
    }

    #[test]
    fn cost_categories_are_canonical_and_unknown_ones_reject_the_row() {
        let i = read("date,category,amount\n2026-03-01,达人合作,5000\n2026-03-02,lunch,80\n");
        assert_eq!(i.kind, Kind::Costs);
        assert_eq!(i.rows_read, 1);
        assert_eq!(i.table.text("category").unwrap().get(0), Some("kol"));
        assert_eq!(
            i.problems[0].message,
            "unknown cost category; required, row rejected"
        );
    }

    #[test]
    fn unused_columns_are_listed_with_no_field() {
        let i = read("note_id,views,mood\nn1,1,happy\n");
        assert_eq!(
            i.columns[2],
            ColumnMapping {
                header: "mood".into(),
                field: None
            }
        );
    }

    #[test]
    fn a_short_row_is_reported_but_kept_when_sound() {
        let i = read("note_id,views,likes\nn1,5\n");
        assert_eq!(i.rows_read, 1);
        assert_eq!(i.problems[0].message, "row has 2 fields, the header has 3");
    }

    #[test]
    fn a_file_without_a_recognisable_header_is_refused() {
        let e = import("x.csv", b"hello,world\n1,2\n", &ImportOptions::default()).unwrap_err();
        assert_eq!(e.to_string(), "x.csv: no header row was found");
    }

    #[test]
    fn the_kind_can_be_forced() {
        let i = import(
            "x.csv",
            b"path,total_conversions\na>b,3\n",
            &ImportOptions {
                kind: Some(Kind::Paths),
            },
        )
        .unwrap();
        assert_eq!(i.kind, Kind::Paths);
        assert_eq!(i.table.sum("conversions"), 3.0);
    }
}
