//! A compact binary form of imports and plans, for handing them between the
//! import worker and the page.
//!
//! Columns travel in one tight pass each way and a single transferable
//! buffer, not a million JavaScript objects: dictionary text with its codes,
//! numbers and times, all little-endian. Codes, whole numbers and times are
//! written in the fewest bytes that hold the column's largest (1, 2 or 4;
//! see `Layout`), since a table is copied out of one wasm memory and into
//! another, and the notes of a creator-centre export are mostly small whole
//! counts: half the bytes, half the copying.

use crate::csv::Encoding;
use crate::import::{
    ColumnMapping, DateOrder, Import, ImportOptions, LastMessage, OrderBasis, Plan, Problem,
    ProblemReason, Sniffed,
};
use crate::schema::Kind;
use crate::table::{Column, Dictionary, Table, TextColumn, MISSING_TIME};
use crate::value::{DayOrder, ValueError};

/// Why bytes could not be decoded: they were not written by this module.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("corrupt message: {0}")]
pub struct CodecError(&'static str);

const MAGIC: &[u8; 4] = b"XHS1";

#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    /// A column of `u32`s: room made once, then one tight loop.
    fn u32s(&mut self, values: &[u32]) {
        self.0.reserve(values.len() * 4);
        for v in values {
            self.0.extend_from_slice(&v.to_le_bytes());
        }
    }
    /// Values below `u32::MAX` in `width` bytes each; `u32::MAX` (missing)
    /// becomes the width's all-ones, which no value reaches (see [`width_for`]).
    fn narrow(&mut self, width: u8, values: impl ExactSizeIterator<Item = u32>) {
        self.0.reserve(values.len() * usize::from(width));
        match width {
            1 => values.for_each(|v| self.0.push(v as u8)),
            2 => values.for_each(|v| self.0.extend_from_slice(&(v as u16).to_le_bytes())),
            _ => values.for_each(|v| self.0.extend_from_slice(&v.to_le_bytes())),
        }
    }
    fn u64s(&mut self, values: impl ExactSizeIterator<Item = u64>) {
        self.0.reserve(values.len() * 8);
        for v in values {
            self.0.extend_from_slice(&v.to_le_bytes());
        }
    }
    fn len(&mut self, v: usize) {
        self.u64(v as u64);
    }
    fn str(&mut self, v: &str) {
        self.len(v.len());
        self.0.extend_from_slice(v.as_bytes());
    }
    fn opt_str(&mut self, v: Option<&str>) {
        match v {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }
    fn strings(&mut self, v: &[String]) {
        self.len(v.len());
        v.iter().for_each(|s| self.str(s));
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        if self.bytes.len() < n {
            return Err(CodecError("truncated"));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8, CodecError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, CodecError> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    fn u64(&mut self) -> Result<u64, CodecError> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }
    /// `n` `u32`s, checked for length once.
    fn u32s(&mut self, n: usize) -> Result<Vec<u32>, CodecError> {
        let bytes = self.take(n.checked_mul(4).ok_or(CodecError("length"))?)?;
        Ok(bytes
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
            .collect())
    }
    /// `n` values written by [`Writer::narrow`], the all-ones of the width
    /// read back as `u32::MAX`, each turned into a `T` as it is read.
    fn narrow<T>(
        &mut self,
        n: usize,
        width: u8,
        mut f: impl FnMut(u32) -> T,
    ) -> Result<Vec<T>, CodecError> {
        let length = n
            .checked_mul(usize::from(width))
            .ok_or(CodecError("length"))?;
        let bytes = self.take(length)?;
        Ok(match width {
            1 => bytes
                .iter()
                .map(|&b| f(if b == u8::MAX { u32::MAX } else { u32::from(b) }))
                .collect(),
            2 => bytes
                .chunks_exact(2)
                .map(|b| {
                    f(match u16::from_le_bytes([b[0], b[1]]) {
                        u16::MAX => u32::MAX,
                        v => u32::from(v),
                    })
                })
                .collect(),
            4 => bytes
                .chunks_exact(4)
                .map(|b| f(u32::from_le_bytes(b.try_into().expect("4 bytes"))))
                .collect(),
            _ => return Err(CodecError("width")),
        })
    }
    /// `n` `u64`s, checked for length once.
    fn u64s(&mut self, n: usize) -> Result<impl Iterator<Item = u64> + 'a, CodecError> {
        let bytes = self.take(n.checked_mul(8).ok_or(CodecError("length"))?)?;
        Ok(bytes
            .chunks_exact(8)
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes"))))
    }
    /// A count that is not followed by that many items (row totals).
    fn number(&mut self) -> Result<usize, CodecError> {
        usize::try_from(self.u64()?).map_err(|_| CodecError("number"))
    }

    /// The length of a list or string that follows.
    fn len(&mut self) -> Result<usize, CodecError> {
        let n = self.u64()?;
        // No count can exceed the bytes left (every item takes at least one).
        usize::try_from(n)
            .ok()
            .filter(|&n| n <= self.bytes.len().max(1) * 8)
            .ok_or(CodecError("length"))
    }
    fn str(&mut self) -> Result<&'a str, CodecError> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).map_err(|_| CodecError("utf-8"))
    }
    fn opt_str(&mut self) -> Result<Option<&'a str>, CodecError> {
        match self.u8()? {
            0 => Ok(None),
            1 => self.str().map(Some),
            _ => Err(CodecError("option")),
        }
    }
    fn strings(&mut self) -> Result<Vec<String>, CodecError> {
        let n = self.len()?;
        (0..n).map(|_| self.str().map(String::from)).collect()
    }
}

fn kind_code(kind: Kind) -> u8 {
    Kind::ALL
        .iter()
        .position(|&k| k == kind)
        .expect("a known kind") as u8
}

fn kind_of(code: u8) -> Result<Kind, CodecError> {
    Kind::ALL
        .get(code as usize)
        .copied()
        .ok_or(CodecError("kind"))
}

fn encoding_code(e: Encoding) -> u8 {
    Encoding::ALL
        .iter()
        .position(|&x| x == e)
        .expect("a known encoding") as u8
}

fn encoding_of(code: u8) -> Result<Encoding, CodecError> {
    Encoding::ALL
        .get(code as usize)
        .copied()
        .ok_or(CodecError("encoding"))
}

fn order_code(o: DayOrder) -> u8 {
    match o {
        DayOrder::DayFirst => 0,
        DayOrder::MonthFirst => 1,
    }
}

fn order_of(code: u8) -> Result<DayOrder, CodecError> {
    match code {
        0 => Ok(DayOrder::DayFirst),
        1 => Ok(DayOrder::MonthFirst),
        _ => Err(CodecError("day order")),
    }
}

const VALUE_ERRORS: [ValueError; 6] = [
    ValueError::NotANumber,
    ValueError::AmbiguousSeparator,
    ValueError::NotATime,
    ValueError::NoSuchDate,
    ValueError::NotAFlag,
    ValueError::UnknownCategory,
];

fn value_error_code(e: ValueError) -> u8 {
    VALUE_ERRORS
        .iter()
        .position(|&x| x == e)
        .expect("a known error") as u8
}

fn value_error_of(code: u8) -> Result<ValueError, CodecError> {
    VALUE_ERRORS
        .get(code as usize)
        .copied()
        .ok_or(CodecError("value error"))
}

/// How a column travels: the narrowest form that gives every value back
/// bit for bit, chosen by one pass over it before anything is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Absent,
    /// The dictionary, then each code in `width` bytes.
    Text {
        width: u8,
    },
    /// Whole numbers from 0 to below `u32::MAX` (NaN, missing, included)
    /// in `width` bytes each.
    WholeNumbers {
        width: u8,
    },
    /// Any other numbers: their `f64` bits.
    Numbers,
    /// Times as seconds after `first`, in `width` bytes each.
    Times {
        first: i64,
        width: u8,
    },
    /// Times spanning more than `u32::MAX` seconds: their `i64`s.
    WideTimes,
}

/// Column tags: 1, 2 and 3 are the first format's (codes as `u32`, `f64`
/// numbers, `i64` times), still read so that tables kept on a device by an
/// earlier version open.
mod tag {
    pub const ABSENT: u8 = 0;
    pub const TEXT_U32: u8 = 1;
    pub const NUMBERS: u8 = 2;
    pub const WIDE_TIMES: u8 = 3;
    pub const TEXT: u8 = 4;
    pub const WHOLE_NUMBERS: u8 = 5;
    pub const TIMES: u8 = 6;
}

/// The fewest bytes (1, 2 or 4) whose all-ones, the missing value, is
/// above `max`.
fn width_for(max: u32) -> u8 {
    if max < u32::from(u8::MAX) {
        1
    } else if max < u32::from(u16::MAX) {
        2
    } else {
        4
    }
}

impl Layout {
    fn of(column: &Column) -> Layout {
        match column {
            Column::Absent => Layout::Absent,
            Column::Text(c) => Layout::Text {
                // Codes are below the dictionary's length; u32::MAX is missing.
                width: width_for(c.dictionary().len().min(u32::MAX as usize - 1) as u32),
            },
            Column::Number(values) => whole_numbers_width(values)
                .map_or(Layout::Numbers, |width| Layout::WholeNumbers { width }),
            Column::Time(values) => {
                let present = values.iter().copied().filter(|&t| t != MISSING_TIME);
                let (first, last) =
                    present.fold((i64::MAX, i64::MIN), |(lo, hi), t| (lo.min(t), hi.max(t)));
                if first > last {
                    return Layout::Times { first: 0, width: 1 };
                }
                match last.checked_sub(first).map(u32::try_from) {
                    Some(Ok(span)) if span < u32::MAX => Layout::Times {
                        first,
                        width: width_for(span),
                    },
                    _ => Layout::WideTimes,
                }
            }
        }
    }

    /// At most the bytes this layout writes for `column`.
    fn size(self, column: &Column) -> usize {
        let (values, dictionary) = match column {
            Column::Absent => (0, 0),
            Column::Text(c) => {
                let text = c.dictionary().iter().map(|v| 8 + v.len()).sum();
                (c.codes().len(), text)
            }
            Column::Number(v) => (v.len(), 0),
            Column::Time(v) => (v.len(), 0),
        };
        let per_value = match self {
            Layout::Absent => 0,
            Layout::Text { width }
            | Layout::WholeNumbers { width }
            | Layout::Times { width, .. } => usize::from(width),
            Layout::Numbers | Layout::WideTimes => 8,
        };
        // The tag, two lengths, a width and a time's first value at most.
        26 + dictionary + per_value * values
    }
}

/// The width for a column of whole numbers, or `None` when a value would
/// not come back bit for bit from an unsigned integer (a fraction, a
/// negative or -0.0, one too large, a NaN other than the importer's).
fn whole_numbers_width(values: &[f64]) -> Option<u8> {
    let missing = f64::NAN.to_bits();
    let mut max = 0;
    for &v in values {
        if v.to_bits() == missing {
            continue;
        }
        // Saturating: NaN gives 0 and large values u32::MAX, both caught by
        // the comparison or the bound.
        let whole = v as u32;
        if whole == u32::MAX || f64::from(whole) != v || v.is_sign_negative() {
            return None;
        }
        max = max.max(whole);
    }
    Some(width_for(max))
}

/// About how many bytes [`encode_import`] writes, so that its buffer is
/// allocated once (a large table's grew by doubling: copies, and fresh
/// memory touched for each).
fn encoded_size_hint(import: &Import, layouts: &[Layout]) -> usize {
    let table = &import.table;
    let columns: usize = layouts
        .iter()
        .zip(&table.columns)
        .map(|(layout, column)| layout.size(column))
        .sum();
    let problems: usize = import
        .problems
        .iter()
        .map(|p| 34 + p.column.len() + p.value.len())
        .sum();
    1024 + columns + 4 * table.lines.len() + problems
}

fn layouts(table: &Table) -> Vec<Layout> {
    table.columns.iter().map(Layout::of).collect()
}

fn write_table(w: &mut Writer, table: &Table, layouts: &[Layout]) {
    w.u8(kind_code(table.kind));
    w.len(table.rows);
    for (column, &layout) in table.columns.iter().zip(layouts) {
        match (column, layout) {
            (Column::Text(c), Layout::Text { width }) => {
                w.u8(tag::TEXT);
                w.len(c.dictionary().len());
                c.dictionary().iter().for_each(|v| w.str(v));
                w.len(c.codes().len());
                w.u8(width);
                w.narrow(width, c.codes().iter().copied());
            }
            (Column::Number(v), Layout::WholeNumbers { width }) => {
                w.u8(tag::WHOLE_NUMBERS);
                w.len(v.len());
                w.u8(width);
                // NaN becomes 0 here; only u32::MAX is missing.
                w.narrow(
                    width,
                    v.iter()
                        .map(|&x| if x.is_nan() { u32::MAX } else { x as u32 }),
                );
            }
            (Column::Number(v), _) => {
                w.u8(tag::NUMBERS);
                w.len(v.len());
                w.u64s(v.iter().map(|x| x.to_bits()));
            }
            (Column::Time(v), Layout::Times { first, width }) => {
                w.u8(tag::TIMES);
                w.len(v.len());
                w.u64(first as u64);
                w.u8(width);
                w.narrow(
                    width,
                    v.iter().map(|&t| {
                        if t == MISSING_TIME {
                            u32::MAX
                        } else {
                            (t - first) as u32
                        }
                    }),
                );
            }
            (Column::Time(v), _) => {
                w.u8(tag::WIDE_TIMES);
                w.len(v.len());
                w.u64s(v.iter().map(|&x| x as u64));
            }
            (Column::Absent, _) => w.u8(tag::ABSENT),
            (Column::Text(_), _) => unreachable!("Layout::of gives text a text layout"),
        }
    }
    w.len(table.lines.len());
    w.u32s(&table.lines);
}

fn read_table(r: &mut Reader<'_>) -> Result<Table, CodecError> {
    let kind = kind_of(r.u8()?)?;
    let rows = r.number()?;
    let mut columns = Vec::with_capacity(kind.fields().len());
    for _ in kind.fields() {
        let column = match r.u8()? {
            tag::ABSENT => Column::Absent,
            text @ (tag::TEXT_U32 | tag::TEXT) => {
                let n = r.len()?;
                let values: Dictionary = (0..n).map(|_| r.str()).collect::<Result<_, _>>()?;
                let count = r.len()?;
                let codes = if text == tag::TEXT {
                    let width = r.u8()?;
                    r.narrow(count, width, |code| code)?
                } else {
                    r.u32s(count)?
                };
                if codes
                    .iter()
                    .any(|&c| c != crate::table::MISSING_TEXT && c as usize >= values.len())
                {
                    return Err(CodecError("text code"));
                }
                Column::Text(TextColumn::from_parts(values, codes))
            }
            tag::NUMBERS => {
                let n = r.len()?;
                Column::Number(r.u64s(n)?.map(f64::from_bits).collect())
            }
            tag::WHOLE_NUMBERS => {
                let n = r.len()?;
                let width = r.u8()?;
                let numbers = r.narrow(n, width, |v| {
                    if v == u32::MAX {
                        f64::NAN
                    } else {
                        f64::from(v)
                    }
                })?;
                Column::Number(numbers)
            }
            tag::WIDE_TIMES => {
                let n = r.len()?;
                Column::Time(r.u64s(n)?.map(|x| x as i64).collect())
            }
            tag::TIMES => {
                let n = r.len()?;
                let first = r.u64()? as i64;
                let width = r.u8()?;
                // Saturating: damaged bytes give wrong times, never a panic.
                let times = r.narrow(n, width, |v| {
                    if v == u32::MAX {
                        MISSING_TIME
                    } else {
                        first.saturating_add(i64::from(v))
                    }
                })?;
                Column::Time(times)
            }
            _ => return Err(CodecError("column type")),
        };
        columns.push(column);
    }
    let n = r.len()?;
    let lines = r.u32s(n)?;
    Ok(Table {
        kind,
        rows,
        columns,
        lines,
    })
}

fn write_reason(w: &mut Writer, reason: &ProblemReason) {
    match *reason {
        ProblemReason::Unreadable(e) => {
            w.u8(0);
            w.u8(value_error_code(e));
        }
        ProblemReason::RequiredUnreadable(e) => {
            w.u8(1);
            w.u8(value_error_code(e));
        }
        ProblemReason::RequiredMissing => w.u8(2),
        ProblemReason::FieldCount { found, expected } => {
            w.u8(3);
            w.len(found);
            w.len(expected);
        }
        ProblemReason::Duplicate { first_line } => {
            w.u8(4);
            w.u64(first_line);
        }
        ProblemReason::InvalidText => w.u8(5),
        ProblemReason::UnterminatedQuote => w.u8(6),
        ProblemReason::RepeatedHeader => w.u8(7),
        ProblemReason::DuplicateAcrossFiles { first_line } => {
            w.u8(8);
            w.u64(first_line);
        }
        ProblemReason::ThousandsJoined { found, expected } => {
            w.u8(9);
            w.len(found);
            w.len(expected);
        }
    }
}

fn read_reason(r: &mut Reader<'_>) -> Result<ProblemReason, CodecError> {
    Ok(match r.u8()? {
        0 => ProblemReason::Unreadable(value_error_of(r.u8()?)?),
        1 => ProblemReason::RequiredUnreadable(value_error_of(r.u8()?)?),
        2 => ProblemReason::RequiredMissing,
        3 => ProblemReason::FieldCount {
            found: r.number()?,
            expected: r.number()?,
        },
        4 => ProblemReason::Duplicate {
            first_line: r.u64()?,
        },
        5 => ProblemReason::InvalidText,
        6 => ProblemReason::UnterminatedQuote,
        7 => ProblemReason::RepeatedHeader,
        8 => ProblemReason::DuplicateAcrossFiles {
            first_line: r.u64()?,
        },
        9 => ProblemReason::ThousandsJoined {
            found: r.number()?,
            expected: r.number()?,
        },
        _ => return Err(CodecError("problem reason")),
    })
}

fn write_date_orders(w: &mut Writer, orders: &[DateOrder]) {
    w.len(orders.len());
    for o in orders {
        w.str(&o.header);
        w.u8(order_code(o.order));
        w.u8(match o.basis {
            OrderBasis::Data => 0,
            OrderBasis::Default => 1,
            OrderBasis::Chosen => 2,
        });
    }
}

fn read_date_orders(r: &mut Reader<'_>) -> Result<Vec<DateOrder>, CodecError> {
    let n = r.len()?;
    (0..n)
        .map(|_| {
            Ok(DateOrder {
                header: r.str()?.to_string(),
                order: order_of(r.u8()?)?,
                basis: match r.u8()? {
                    0 => OrderBasis::Data,
                    1 => OrderBasis::Default,
                    2 => OrderBasis::Chosen,
                    _ => return Err(CodecError("order basis")),
                },
            })
        })
        .collect()
}

/// The canonical field name with the given name, as a `'static` str.
fn static_field(kind: Kind, name: &str) -> Result<&'static str, CodecError> {
    kind.fields()
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.name)
        .ok_or(CodecError("field"))
}

pub fn encode_import(import: &Import) -> Vec<u8> {
    let layouts = layouts(&import.table);
    let mut w = Writer(Vec::with_capacity(encoded_size_hint(import, &layouts)));
    w.0.extend_from_slice(MAGIC);
    w.str(&import.file);
    w.u8(kind_code(import.kind));
    w.u8(encoding_code(import.encoding));
    w.u8(import.delimiter);
    w.u64(import.header_line);
    w.len(import.columns.len());
    for c in &import.columns {
        w.str(&c.header);
        w.opt_str(c.field);
    }
    write_date_orders(&mut w, &import.date_orders);
    for n in [
        import.rows_read,
        import.rows_rejected,
        import.rows_with_problems,
        import.rows_duplicate,
        import.problem_count,
    ] {
        w.len(n);
    }
    w.len(import.problems.len());
    for p in &import.problems {
        w.u64(p.line);
        w.str(&p.column);
        w.str(&p.value);
        write_reason(&mut w, &p.reason);
    }
    write_table(&mut w, &import.table, &layouts);
    w.0
}

pub fn decode_import(bytes: &[u8]) -> Result<Import, CodecError> {
    let mut r = Reader { bytes };
    if r.take(4)? != MAGIC {
        return Err(CodecError("magic"));
    }
    let file = r.str()?.to_string();
    let kind = kind_of(r.u8()?)?;
    let encoding = encoding_of(r.u8()?)?;
    let delimiter = r.u8()?;
    let header_line = r.u64()?;
    let n = r.len()?;
    let columns = (0..n)
        .map(|_| {
            let header = r.str()?.to_string();
            let field = r.opt_str()?.map(|f| static_field(kind, f)).transpose()?;
            Ok(ColumnMapping { header, field })
        })
        .collect::<Result<Vec<_>, CodecError>>()?;
    let date_orders = read_date_orders(&mut r)?;
    let [rows_read, rows_rejected, rows_with_problems, rows_duplicate, problem_count] = [
        r.number()?,
        r.number()?,
        r.number()?,
        r.number()?,
        r.number()?,
    ];
    let n = r.len()?;
    let mut last_message = LastMessage::default();
    let problems = (0..n)
        .map(|_| {
            let line = r.u64()?;
            let column = r.str()?.to_string();
            let value = r.str()?.to_string();
            let reason = read_reason(&mut r)?;
            Ok(Problem {
                line,
                column,
                value,
                message: last_message.message(reason),
                reason,
            })
        })
        .collect::<Result<Vec<_>, CodecError>>()?;
    let table = read_table(&mut r)?;
    if table.kind != kind {
        return Err(CodecError("table kind"));
    }
    Ok(Import {
        file,
        kind,
        encoding,
        delimiter,
        header_line,
        columns,
        date_orders,
        table,
        rows_read,
        rows_rejected,
        rows_with_problems,
        rows_duplicate,
        problems,
        problem_count,
    })
}

fn write_plan(w: &mut Writer, plan: &Plan) {
    w.u8(kind_code(plan.kind));
    w.u8(encoding_code(plan.encoding));
    w.u8(plan.delimiter);
    w.u64(plan.header_line);
    w.len(plan.records_before_data);
    w.strings(&plan.headers);
    w.len(plan.fields.len());
    for f in &plan.fields {
        w.u32(f.map_or(u32::MAX, |f| f as u32));
    }
    w.len(plan.day_orders.len());
    plan.day_orders.iter().for_each(|&o| w.u8(order_code(o)));
    write_date_orders(w, &plan.date_orders);
    w.u8(plan.newline);
}

fn read_plan(r: &mut Reader<'_>) -> Result<Plan, CodecError> {
    let kind = kind_of(r.u8()?)?;
    let encoding = encoding_of(r.u8()?)?;
    let delimiter = r.u8()?;
    let header_line = r.u64()?;
    let records_before_data = r.number()?;
    let headers = r.strings()?;
    let n = r.len()?;
    let fields = (0..n)
        .map(|_| {
            let f = r.u32()?;
            match f {
                u32::MAX => Ok(None),
                f if (f as usize) < kind.fields().len() => Ok(Some(f as usize)),
                _ => Err(CodecError("field index")),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let n = r.len()?;
    let day_orders = (0..n)
        .map(|_| order_of(r.u8()?))
        .collect::<Result<Vec<_>, _>>()?;
    let date_orders = read_date_orders(r)?;
    let newline = r.u8()?;
    if fields.len() != headers.len() || day_orders.len() != headers.len() {
        return Err(CodecError("plan shape"));
    }
    Ok(Plan {
        kind,
        encoding,
        delimiter,
        header_line,
        records_before_data,
        headers,
        fields,
        day_orders,
        date_orders,
        newline,
    })
}

pub fn encode_sniffed(sniffed: &Sniffed) -> Vec<u8> {
    let mut w = Writer::default();
    w.0.extend_from_slice(MAGIC);
    write_plan(&mut w, &sniffed.plan);
    for rows in [&sniffed.preview, &sniffed.above_header] {
        w.len(rows.len());
        for (line, cells) in rows {
            w.u64(*line);
            w.strings(cells);
        }
    }
    w.strings(&sniffed.sheets);
    w.u64(sniffed.sheet as u64);
    w.0
}

pub fn decode_sniffed(bytes: &[u8]) -> Result<Sniffed, CodecError> {
    let mut r = Reader { bytes };
    if r.take(4)? != MAGIC {
        return Err(CodecError("magic"));
    }
    let plan = read_plan(&mut r)?;
    let mut rows = || -> Result<Vec<(u64, Vec<String>)>, CodecError> {
        let n = r.len()?;
        (0..n).map(|_| Ok((r.u64()?, r.strings()?))).collect()
    };
    let preview = rows()?;
    let above_header = rows()?;
    let sheets = r.strings()?;
    let sheet = r.number()?;
    Ok(Sniffed {
        plan,
        preview,
        above_header,
        sheets,
        sheet,
    })
}

pub fn encode_options(options: &ImportOptions) -> Vec<u8> {
    let mut w = Writer::default();
    w.0.extend_from_slice(MAGIC);
    let opt_u8 = |w: &mut Writer, v: Option<u8>| match v {
        Some(v) => {
            w.u8(1);
            w.u8(v);
        }
        None => w.u8(0),
    };
    opt_u8(&mut w, options.kind.map(kind_code));
    opt_u8(&mut w, options.encoding.map(encoding_code));
    opt_u8(&mut w, options.delimiter);
    match options.header_line {
        Some(l) => {
            w.u8(1);
            w.u64(l);
        }
        None => w.u8(0),
    }
    match &options.fields {
        Some(fields) => {
            w.u8(1);
            w.len(fields.len());
            fields.iter().for_each(|f| w.opt_str(f.as_deref()));
        }
        None => w.u8(0),
    }
    opt_u8(&mut w, options.day_order.map(order_code));
    match options.sheet {
        Some(s) => {
            w.u8(1);
            w.u64(s as u64);
        }
        None => w.u8(0),
    }
    w.0
}

pub fn decode_options(bytes: &[u8]) -> Result<ImportOptions, CodecError> {
    let mut r = Reader { bytes };
    if r.take(4)? != MAGIC {
        return Err(CodecError("magic"));
    }
    let opt_u8 = |r: &mut Reader<'_>| -> Result<Option<u8>, CodecError> {
        match r.u8()? {
            0 => Ok(None),
            1 => r.u8().map(Some),
            _ => Err(CodecError("option")),
        }
    };
    let kind = opt_u8(&mut r)?.map(kind_of).transpose()?;
    let encoding = opt_u8(&mut r)?.map(encoding_of).transpose()?;
    let delimiter = opt_u8(&mut r)?;
    let header_line = match r.u8()? {
        0 => None,
        _ => Some(r.u64()?),
    };
    let fields = match r.u8()? {
        0 => None,
        _ => {
            let n = r.len()?;
            Some(
                (0..n)
                    .map(|_| r.opt_str().map(|f| f.map(String::from)))
                    .collect::<Result<Vec<_>, _>>()?,
            )
        }
    };
    let day_order = opt_u8(&mut r)?.map(order_of).transpose()?;
    let sheet = match r.u8()? {
        0 => None,
        _ => Some(r.number()?),
    };
    Ok(ImportOptions {
        sheet,
        kind,
        encoding,
        delimiter,
        header_line,
        fields,
        day_order,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{import, sniff};

    const TEXT: &str = "报表\nnote_id,date,impressions,title,mood\nn1,2026-03-01,1.2万,\"a, b\",x\nn2,bad,--,,y\nn1,2026-03-01,1,,z\n";

    #[test]
    fn an_import_survives_the_round_trip_exactly() {
        let original = import("t.csv", TEXT.as_bytes(), &ImportOptions::default()).unwrap();
        let decoded = decode_import(&encode_import(&original)).unwrap();
        assert_eq!(decoded.table, original.table);
        assert_eq!(decoded.problems, original.problems);
        assert_eq!(decoded.columns, original.columns);
        assert_eq!(decoded.header_line, 2);
        assert_eq!(decoded.rows_duplicate, 1);
        assert_eq!(
            (decoded.file.as_str(), decoded.kind, decoded.encoding),
            ("t.csv", Kind::Notes, Encoding::Utf8)
        );
    }

    #[test]
    fn an_import_is_encoded_into_one_allocation() {
        let demo = crate::demo::generate(1);
        let files = demo.files().into_iter().chain([("t.csv", TEXT)]);
        for (name, text) in files {
            let imported = import(name, text.as_bytes(), &ImportOptions::default()).unwrap();
            let bytes = encode_import(&imported);
            let hint = encoded_size_hint(&imported, &layouts(&imported.table));
            assert!(bytes.len() <= hint, "{name}");
        }
    }

    #[test]
    fn a_sniffed_plan_survives_the_round_trip() {
        let original = sniff("t.csv", TEXT.as_bytes(), &ImportOptions::default()).unwrap();
        let decoded = decode_sniffed(&encode_sniffed(&original)).unwrap();
        assert_eq!(decoded.plan, original.plan);
        assert_eq!(decoded.preview, original.preview);
        assert_eq!(decoded.above_header, original.above_header);
    }

    #[test]
    fn every_problem_reason_survives_the_round_trip() {
        let reasons = [
            ProblemReason::Unreadable(ValueError::NotANumber),
            ProblemReason::RequiredUnreadable(ValueError::UnknownCategory),
            ProblemReason::RequiredMissing,
            ProblemReason::FieldCount {
                found: 2,
                expected: 3,
            },
            ProblemReason::Duplicate { first_line: 9 },
            ProblemReason::InvalidText,
            ProblemReason::UnterminatedQuote,
            ProblemReason::RepeatedHeader,
            ProblemReason::DuplicateAcrossFiles { first_line: 4 },
            ProblemReason::ThousandsJoined {
                found: 15,
                expected: 13,
            },
        ];
        let mut original = import("t.csv", TEXT.as_bytes(), &ImportOptions::default()).unwrap();
        original.problems = reasons
            .iter()
            .map(|&reason| Problem {
                line: 1,
                column: "c".into(),
                value: "v".into(),
                message: reason.to_string(),
                reason,
            })
            .collect();
        let decoded = decode_import(&encode_import(&original)).unwrap();
        assert_eq!(decoded.problems, original.problems);
    }

    #[test]
    fn options_survive_the_round_trip() {
        let options = ImportOptions {
            kind: Some(Kind::Orders),
            encoding: Some(Encoding::Gb18030),
            delimiter: Some(b';'),
            header_line: Some(3),
            fields: Some(vec![Some("order_id".into()), None]),
            day_order: Some(DayOrder::MonthFirst),
            sheet: Some(1),
        };
        assert_eq!(decode_options(&encode_options(&options)).unwrap(), options);
        let default = ImportOptions::default();
        assert_eq!(decode_options(&encode_options(&default)).unwrap(), default);
    }

    #[test]
    fn truncated_or_foreign_bytes_are_refused_not_misread() {
        let bytes =
            encode_import(&import("t.csv", TEXT.as_bytes(), &ImportOptions::default()).unwrap());
        for cut in [0, 3, 4, 10, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode_import(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        assert_eq!(decode_import(b"nope").unwrap_err(), CodecError("magic"));
    }
}

#[cfg(test)]
mod kept_table_tests {
    use super::*;
    use crate::import::import;

    #[test]
    fn an_import_without_its_table_survives_the_round_trip() {
        let text = std::fs::read("../../public/demo/touchpoints.csv").unwrap();
        let mut original = import("t.csv", &text, &ImportOptions::default()).unwrap();
        original.table = Table::new(original.kind, &[]);
        let decoded = decode_import(&encode_import(&original)).unwrap();
        assert_eq!(decoded.rows_read, original.rows_read);
        assert_eq!(decoded.table.rows, 0);
    }
}

/// The per-channel credits of every model and the bootstrap settings (no
/// chain facts): what the comparison view shows, sent from the worker to the
/// page.
pub fn encode_attribution(result: &crate::attribution::Attribution) -> Vec<u8> {
    let mut w = Writer::default();
    w.0.extend_from_slice(MAGIC);
    w.strings(&result.channels);
    for n in [result.journeys, result.touches] {
        w.u64(n as u64);
    }
    for x in [
        result.total_conversions,
        result.total_value,
        result.total_nulls,
    ] {
        w.u64(x.to_bits());
    }
    w.len(result.models.len());
    for m in &result.models {
        w.str(m.model.name());
        w.len(m.credits.len());
        for c in &m.credits {
            w.str(&c.channel);
            w.u64(c.conversions.to_bits());
            w.u64(c.value.to_bits());
        }
        match &m.removal_effects {
            Some(effects) => {
                w.u8(1);
                w.len(effects.len());
                for e in effects {
                    w.str(&e.channel);
                    w.u64(e.conversions.to_bits());
                    w.u64(e.value.to_bits());
                }
            }
            None => w.u8(0),
        }
        match &m.intervals {
            Some(intervals) => {
                w.u8(1);
                w.len(intervals.len());
                for i in intervals {
                    w.str(&i.channel);
                    for x in [i.conversions, i.value] {
                        for v in [x.mean, x.low, x.high] {
                            w.u64(v.to_bits());
                        }
                    }
                }
            }
            None => w.u8(0),
        }
    }
    match &result.bootstrap {
        Some(b) => {
            w.u8(1);
            w.u32(b.replicates);
            w.u64(b.seed);
        }
        None => w.u8(0),
    }
    w.0
}

pub fn decode_attribution(bytes: &[u8]) -> Result<crate::attribution::Attribution, CodecError> {
    use crate::attribution::{
        Attribution, ChannelCredit, CreditInterval, Interval, Model, ModelResult, RemovalEffect,
    };
    let mut r = Reader { bytes };
    if r.take(4)? != MAGIC {
        return Err(CodecError("magic"));
    }
    let channels = r.strings()?;
    let journeys = r.number()?;
    let touches = r.number()?;
    let [total_conversions, total_value, total_nulls] = [
        f64::from_bits(r.u64()?),
        f64::from_bits(r.u64()?),
        f64::from_bits(r.u64()?),
    ];
    let n = r.len()?;
    let mut models = Vec::with_capacity(n);
    for _ in 0..n {
        let model = Model::from_name(r.str()?).ok_or(CodecError("model"))?;
        let count = r.len()?;
        let mut credits = Vec::with_capacity(count);
        for _ in 0..count {
            credits.push(ChannelCredit {
                channel: r.str()?.to_string(),
                conversions: f64::from_bits(r.u64()?),
                value: f64::from_bits(r.u64()?),
            });
        }
        let removal_effects = match r.u8()? {
            0 => None,
            _ => {
                let count = r.len()?;
                let mut effects = Vec::with_capacity(count);
                for _ in 0..count {
                    effects.push(RemovalEffect {
                        channel: r.str()?.to_string(),
                        conversions: f64::from_bits(r.u64()?),
                        value: f64::from_bits(r.u64()?),
                    });
                }
                Some(effects)
            }
        };
        let intervals = match r.u8()? {
            0 => None,
            _ => {
                let count = r.len()?;
                let mut out = Vec::with_capacity(count);
                for _ in 0..count {
                    let channel = r.str()?.to_string();
                    let mut interval = || -> Result<Interval, CodecError> {
                        Ok(Interval {
                            mean: f64::from_bits(r.u64()?),
                            low: f64::from_bits(r.u64()?),
                            high: f64::from_bits(r.u64()?),
                        })
                    };
                    let conversions = interval()?;
                    let value = interval()?;
                    out.push(CreditInterval {
                        channel,
                        conversions,
                        value,
                    });
                }
                Some(out)
            }
        };
        models.push(ModelResult {
            model,
            credits,
            removal_effects,
            markov: None,
            intervals,
        });
    }
    let bootstrap = match r.u8()? {
        0 => None,
        _ => Some(crate::attribution::BootstrapSettings {
            replicates: r.u32()?,
            seed: r.u64()?,
        }),
    };
    Ok(Attribution {
        channels,
        journeys,
        touches,
        total_conversions,
        total_value,
        total_nulls,
        models,
        bootstrap,
    })
}

#[cfg(test)]
mod attribution_tests {
    use super::*;
    use crate::attribution::{attribute, Journeys, Settings};

    #[test]
    fn attribution_credits_survive_the_round_trip_exactly() {
        let text = std::fs::read("../../public/demo/touchpoints.csv").unwrap();
        let table = crate::import("t.csv", &text, &ImportOptions::default())
            .unwrap()
            .table;
        let mut settings = Settings::default();
        settings.bootstrap.replicates = 20;
        let result = attribute(
            &Journeys::from_touchpoints(&table, &settings).unwrap(),
            &settings,
        )
        .unwrap();
        let decoded = decode_attribution(&encode_attribution(&result)).unwrap();
        assert_eq!(decoded.channels, result.channels);
        for (a, b) in decoded.models.iter().zip(&result.models) {
            assert_eq!(a.model, b.model);
            assert_eq!(a.credits, b.credits);
            assert_eq!(a.removal_effects, b.removal_effects);
            assert_eq!(a.intervals, b.intervals);
        }
        assert_eq!(decoded.bootstrap, result.bootstrap);
        assert_eq!(decoded.bootstrap.unwrap().replicates, 20);
    }
}

/// The path explorer's figures, sent beside the attribution.
pub fn encode_explorer(e: &crate::attribution::paths::PathExplorer) -> Vec<u8> {
    let mut w = Writer::default();
    w.0.extend_from_slice(MAGIC);
    w.len(e.top_paths.len());
    for p in &e.top_paths {
        w.strings(&p.path);
        w.u64(p.conversions.to_bits());
        w.u64(p.value.to_bits());
    }
    w.len(e.lengths.len());
    for l in &e.lengths {
        w.u64(l.touches as u64);
        w.u64(l.journeys.to_bits());
        w.u64(l.conversions.to_bits());
    }
    w.len(e.time_to_conversion.len());
    for t in &e.time_to_conversion {
        w.u32(t.from_days);
        w.u32(t.to_days);
        w.u64(t.conversions.to_bits());
    }
    w.0
}

pub fn decode_explorer(
    bytes: &[u8],
) -> Result<crate::attribution::paths::PathExplorer, CodecError> {
    use crate::attribution::paths::{LengthBucket, PathCount, PathExplorer, TimeBucket};
    let mut r = Reader { bytes };
    if r.take(4)? != MAGIC {
        return Err(CodecError("magic"));
    }
    let n = r.len()?;
    let mut top_paths = Vec::with_capacity(n);
    for _ in 0..n {
        top_paths.push(PathCount {
            path: r.strings()?,
            conversions: f64::from_bits(r.u64()?),
            value: f64::from_bits(r.u64()?),
        });
    }
    let n = r.len()?;
    let mut lengths = Vec::with_capacity(n);
    for _ in 0..n {
        lengths.push(LengthBucket {
            touches: r.number()?,
            journeys: f64::from_bits(r.u64()?),
            conversions: f64::from_bits(r.u64()?),
        });
    }
    let n = r.len()?;
    let mut time_to_conversion = Vec::with_capacity(n);
    for _ in 0..n {
        time_to_conversion.push(TimeBucket {
            from_days: r.u32()?,
            to_days: r.u32()?,
            conversions: f64::from_bits(r.u64()?),
        });
    }
    Ok(PathExplorer {
        top_paths,
        lengths,
        time_to_conversion,
    })
}

#[cfg(test)]
mod explorer_tests {
    use super::*;
    use crate::attribution::{paths::explore, Journeys, Settings};

    #[test]
    fn the_path_explorer_survives_the_round_trip() {
        let text = std::fs::read("../../public/demo/touchpoints.csv").unwrap();
        let table = crate::import("t.csv", &text, &ImportOptions::default())
            .unwrap()
            .table;
        let journeys = Journeys::from_touchpoints(&table, &Settings::default()).unwrap();
        let original = explore(&journeys, 10);
        assert_eq!(
            decode_explorer(&encode_explorer(&original)).unwrap(),
            original
        );
        assert_eq!(original.top_paths.len(), 10);
        assert!(!original.time_to_conversion.is_empty());
    }
}

/// The attribution settings the page can change (the rest keep their
/// defaults), sent with an `attribute` request.
pub fn encode_attribution_settings(s: &crate::attribution::Settings) -> Vec<u8> {
    let mut w = Writer::default();
    w.0.extend_from_slice(MAGIC);
    for x in [
        s.lookback_days,
        s.half_life_days,
        s.position_weights.first,
        s.position_weights.middle,
        s.position_weights.last,
    ] {
        w.u64(x.to_bits());
    }
    w.u8(s.markov_order);
    w.u32(s.bootstrap.replicates);
    encode_channel_rules(&mut w, &s.channel_rules);
    w.0
}

const SOURCE_FIELDS: [crate::attribution::channels::SourceField; 7] = {
    use crate::attribution::channels::SourceField::*;
    [
        UtmSource,
        UtmMedium,
        UtmCampaign,
        Referrer,
        PromoCode,
        QrCode,
        LandingPage,
    ]
};

fn encode_condition(
    w: &mut Writer,
    field: crate::attribution::channels::SourceField,
    matches: &crate::attribution::channels::Match,
) {
    use crate::attribution::channels::Match;
    let field = SOURCE_FIELDS.iter().position(|&f| f == field).unwrap_or(0);
    w.u8(field as u8);
    let (kind, patterns) = match matches {
        Match::Equals(p) => (0, p),
        Match::Prefix(p) => (1, p),
        Match::Contains(p) => (2, p),
    };
    w.u8(kind);
    w.strings(patterns);
}

fn decode_condition(r: &mut Reader) -> Result<crate::attribution::channels::Condition, CodecError> {
    use crate::attribution::channels::{Condition, Match};
    let field = *SOURCE_FIELDS
        .get(r.u8()? as usize)
        .ok_or(CodecError("source field"))?;
    let kind = r.u8()?;
    let patterns = r.strings()?;
    let matches = match kind {
        0 => Match::Equals(patterns),
        1 => Match::Prefix(patterns),
        2 => Match::Contains(patterns),
        _ => return Err(CodecError("match")),
    };
    Ok(Condition { field, matches })
}

fn encode_channel_rules(w: &mut Writer, rules: &crate::attribution::channels::ChannelRules) {
    w.len(rules.rules.len());
    for rule in &rules.rules {
        encode_condition(w, rule.field, &rule.matches);
        w.len(rule.and.len());
        for c in &rule.and {
            encode_condition(w, c.field, &c.matches);
        }
        w.str(&rule.channel);
    }
    w.str(&rules.unmatched);
    w.str(&rules.no_source);
}

fn decode_channel_rules(
    r: &mut Reader,
) -> Result<crate::attribution::channels::ChannelRules, CodecError> {
    use crate::attribution::channels::{ChannelRule, ChannelRules};
    let n = r.len()?;
    let mut rules = Vec::with_capacity(n.min(1024));
    for _ in 0..n {
        let first = decode_condition(r)?;
        let more = r.len()?;
        let and = (0..more)
            .map(|_| decode_condition(r))
            .collect::<Result<Vec<_>, _>>()?;
        rules.push(ChannelRule {
            field: first.field,
            matches: first.matches,
            and,
            channel: r.str()?.to_string(),
        });
    }
    Ok(ChannelRules {
        rules,
        unmatched: r.str()?.to_string(),
        no_source: r.str()?.to_string(),
    })
}

pub fn decode_attribution_settings(
    bytes: &[u8],
) -> Result<crate::attribution::Settings, CodecError> {
    let mut r = Reader { bytes };
    if r.take(4)? != MAGIC {
        return Err(CodecError("magic"));
    }
    let mut s = crate::attribution::Settings::default();
    let mut number = || r.u64().map(f64::from_bits);
    s.lookback_days = number()?;
    s.half_life_days = number()?;
    s.position_weights.first = number()?;
    s.position_weights.middle = number()?;
    s.position_weights.last = number()?;
    s.markov_order = r.u8()?;
    s.bootstrap.replicates = r.u32()?;
    s.channel_rules = decode_channel_rules(&mut r)?;
    s.validate().map_err(|_| CodecError("settings"))?;
    Ok(s)
}

#[cfg(test)]
mod settings_tests {
    use super::*;
    use crate::attribution::{PositionWeights, Settings};

    #[test]
    fn attribution_settings_survive_the_round_trip_and_are_validated() {
        let mut s = Settings {
            lookback_days: 14.0,
            half_life_days: 3.0,
            position_weights: PositionWeights::J_SHAPED,
            markov_order: 2,
            ..Settings::default()
        };
        s.bootstrap.replicates = 50;
        s.channel_rules.rules.truncate(3);
        s.channel_rules.rules[1].channel = "聚光".into();
        s.channel_rules.unmatched = "未知".into();
        assert_eq!(
            decode_attribution_settings(&encode_attribution_settings(&s)).unwrap(),
            s
        );
        let defaults = Settings::default();
        assert_eq!(
            decode_attribution_settings(&encode_attribution_settings(&defaults)).unwrap(),
            defaults
        );
        s.markov_order = 9;
        assert!(decode_attribution_settings(&encode_attribution_settings(&s)).is_err());
    }
}

/// Marks a table stored on its own ([`encode_table`]).
const TABLE_MAGIC: &[u8; 4] = b"XHT1";

/// One table on its own, as the import worker sends it. The app keeps the
/// user's tables on the device in this form ("remember my data"), so a
/// dataset merged from several files is stored as it is on screen.
pub fn encode_table(table: &Table) -> Vec<u8> {
    let layouts = layouts(table);
    let mut w = Writer::default();
    w.0.extend_from_slice(TABLE_MAGIC);
    write_table(&mut w, table, &layouts);
    w.0
}

/// Reads what [`encode_table`] wrote; anything else (another format, cut
/// short, bytes left over) is an error.
pub fn decode_table(bytes: &[u8]) -> Result<Table, CodecError> {
    let mut r = Reader { bytes };
    if r.take(4)? != TABLE_MAGIC {
        return Err(CodecError("magic"));
    }
    let table = read_table(&mut r)?;
    if !r.bytes.is_empty() {
        return Err(CodecError("trailing bytes"));
    }
    Ok(table)
}

#[cfg(test)]
mod table_tests {
    use super::*;
    use crate::import::import;

    #[test]
    fn a_table_survives_the_round_trip_exactly_and_damage_is_refused() {
        let text = "note_id,date,impressions,title,format\nn1,2026-03-01,1.2万,\"a, b\",视频\nn2,2026-03-02,--,,image\n";
        let table = import("t.csv", text.as_bytes(), &ImportOptions::default())
            .unwrap()
            .table;
        let bytes = encode_table(&table);
        assert_eq!(decode_table(&bytes).unwrap(), table);
        assert_eq!(
            decode_table(&bytes[..bytes.len() - 1]),
            Err(CodecError("truncated"))
        );
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode_table(&longer), Err(CodecError("trailing bytes")));
        assert_eq!(decode_table(b"XHS1rest"), Err(CodecError("magic")));
        let empty = Table::new(Kind::Orders, &[true, true]);
        assert_eq!(decode_table(&encode_table(&empty)).unwrap(), empty);
    }

    /// A notes table holding `impressions` and `published_at` only.
    fn notes_with(impressions: Vec<f64>, published: Vec<i64>) -> Table {
        let mut table = Table::new(Kind::Notes, &[]);
        table.rows = impressions.len();
        table.lines = (2..2 + impressions.len() as u32).collect();
        let at = |field| table.kind.field_index(field).unwrap();
        let (i, p) = (at("impressions"), at("published_at"));
        table.columns[i] = Column::Number(impressions);
        table.columns[p] = Column::Time(published);
        table
    }

    fn bits(column: &Column) -> Vec<u64> {
        match column {
            Column::Number(v) => v.iter().map(|x| x.to_bits()).collect(),
            Column::Time(v) => v.iter().map(|&t| t as u64).collect(),
            _ => Vec::new(),
        }
    }

    fn assert_round_trip_bit_for_bit(table: &Table) {
        let decoded = decode_table(&encode_table(table)).unwrap();
        assert_eq!(&decoded, table);
        for (a, b) in decoded.columns.iter().zip(&table.columns) {
            assert_eq!(bits(a), bits(b));
        }
    }

    #[test]
    fn whole_numbers_take_the_fewest_bytes_that_leave_all_ones_for_missing() {
        let width = |values: &[f64]| Layout::of(&Column::Number(values.to_vec()));
        assert_eq!(
            width(&[0.0, 254.0, f64::NAN]),
            Layout::WholeNumbers { width: 1 }
        );
        assert_eq!(width(&[255.0]), Layout::WholeNumbers { width: 2 });
        assert_eq!(width(&[65_534.0]), Layout::WholeNumbers { width: 2 });
        assert_eq!(width(&[65_535.0]), Layout::WholeNumbers { width: 4 });
        assert_eq!(width(&[4_294_967_294.0]), Layout::WholeNumbers { width: 4 });
        for edges in [
            vec![0.0, 254.0, f64::NAN, 3.0],
            vec![255.0, 65_534.0, f64::NAN],
            vec![65_535.0, 4_294_967_294.0, f64::NAN],
        ] {
            assert_round_trip_bit_for_bit(&notes_with(edges, vec![MISSING_TIME; 3]));
        }
    }

    #[test]
    fn numbers_an_integer_cannot_give_back_bit_for_bit_travel_as_f64() {
        let other_nan = f64::from_bits(f64::NAN.to_bits() | 1);
        for odd in [
            1.5,
            -1.0,
            -0.0,
            4_294_967_295.0,
            1e20,
            other_nan,
            f64::INFINITY,
        ] {
            let column = Column::Number(vec![1.0, odd]);
            assert_eq!(Layout::of(&column), Layout::Numbers, "{odd}");
            assert_round_trip_bit_for_bit(&notes_with(vec![1.0, odd], vec![0, 0]));
        }
    }

    #[test]
    fn times_travel_as_offsets_from_the_first_unless_they_span_too_long() {
        let times = |v: &[i64]| Layout::of(&Column::Time(v.to_vec()));
        let march = 1_772_323_200;
        assert_eq!(
            times(&[march + 86_400, march, MISSING_TIME]),
            Layout::Times {
                first: march,
                width: 4
            }
        );
        assert_eq!(
            times(&[march, march + 254]),
            Layout::Times {
                first: march,
                width: 1
            }
        );
        assert_eq!(times(&[MISSING_TIME]), Layout::Times { first: 0, width: 1 });
        assert_eq!(times(&[0, i64::from(u32::MAX)]), Layout::WideTimes);
        assert_eq!(times(&[i64::MIN + 1, i64::MAX]), Layout::WideTimes);
        for spread in [
            vec![march + 86_400, march, MISSING_TIME],
            vec![-5, 0, i64::from(u32::MAX) - 6],
            vec![0, i64::from(u32::MAX), MISSING_TIME],
            vec![i64::MIN + 1, i64::MAX, 0],
        ] {
            assert_round_trip_bit_for_bit(&notes_with(vec![1.0, 2.0, 3.0], spread));
        }
    }

    #[test]
    fn text_codes_take_the_fewest_bytes_and_keep_missing_cells() {
        for distinct in [3_u32, 254, 255, 70_000] {
            let values: Dictionary = (0..distinct).map(|i| format!("n{i}")).collect();
            let codes = vec![0, distinct - 1, crate::table::MISSING_TEXT];
            let mut table = Table::new(Kind::Notes, &[true]);
            table.rows = 3;
            table.lines = vec![2, 3, 4];
            table.columns[0] = Column::Text(TextColumn::from_parts(values, codes));
            let expected = if distinct < 255 {
                1
            } else if distinct < 65_535 {
                2
            } else {
                4
            };
            assert_eq!(
                Layout::of(&table.columns[0]),
                Layout::Text { width: expected }
            );
            assert_eq!(decode_table(&encode_table(&table)).unwrap(), table);
        }
    }

    /// The first format's column writer: codes as `u32`, `f64` numbers and
    /// `i64` times, as tables kept on a device before the narrow forms were.
    fn encode_table_first_format(table: &Table) -> Vec<u8> {
        let mut w = Writer::default();
        w.0.extend_from_slice(TABLE_MAGIC);
        w.u8(kind_code(table.kind));
        w.len(table.rows);
        for column in &table.columns {
            match column {
                Column::Absent => w.u8(0),
                Column::Text(c) => {
                    w.u8(1);
                    w.len(c.dictionary().len());
                    c.dictionary().iter().for_each(|v| w.str(v));
                    w.len(c.codes().len());
                    w.u32s(c.codes());
                }
                Column::Number(v) => {
                    w.u8(2);
                    w.len(v.len());
                    w.u64s(v.iter().map(|x| x.to_bits()));
                }
                Column::Time(v) => {
                    w.u8(3);
                    w.len(v.len());
                    w.u64s(v.iter().map(|&x| x as u64));
                }
            }
        }
        w.len(table.lines.len());
        w.u32s(&table.lines);
        w.0
    }

    #[test]
    fn tables_kept_in_the_first_format_still_open() {
        let demo = crate::demo::generate(3);
        for (name, text) in demo.files() {
            let table = import(name, text.as_bytes(), &ImportOptions::default())
                .unwrap()
                .table;
            let old = encode_table_first_format(&table);
            assert_eq!(decode_table(&old).unwrap(), table, "{name}");
            assert!(
                encode_table(&table).len() < old.len(),
                "{name} is smaller now"
            );
        }
    }
}
