//! From a file's bytes to a typed [`Table`], with every problem reported.
//!
//! Two steps. [`sniff`] looks at the first bytes and decides a [`Plan`]:
//! encoding, delimiter, header row, table kind, which column is which field,
//! and the day/month order of each date column. The user may change any of
//! it (the mapping screen, `ImportOptions`). Then an [`Importer`] reads the
//! whole file in chunks of any size, so a 1 GB export never has to sit in
//! memory as one string. [`import`] does both for a buffer.
//!
//! Nothing is dropped silently: a cell that cannot be read becomes a
//! [`Problem`] naming its line, column and raw text; a row is rejected (and
//! listed) only when a required field is missing or unreadable.

use serde::Serialize;

use crate::csv::{self, Decoder, Encoding, ReadError, Record, RecordReader};
use crate::schema::{self, match_header, CostCategory, FieldType, Kind};
use crate::table::{Column, Table, TextColumn, MISSING_TEXT, MISSING_TIME};
use crate::value::{self, DayOrder, ValueError};
use row_keys::{RowKey, RowKeys};

mod row_keys;

/// At most this many problems are listed; all are counted.
pub const MAX_LISTED_PROBLEMS: usize = 10_000;

/// How much of the file [`sniff`] reads.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// How far down the file the header row is looked for.
const HEADER_SEARCH_RECORDS: usize = 30;

/// Rows of the sample shown in a preview and used to decide date order.
const SAMPLE_RECORDS: usize = 2_000;

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
    /// The row had more fields than the header because numbers were
    /// written with the delimiter as their thousands separator (`9,015`
    /// unquoted); each was read whole again, and the row then fitted.
    ThousandsJoined { found: usize, expected: usize },
    /// The row repeats an earlier one (same order id, or same note and date).
    Duplicate { first_line: u64 },
    /// Bytes that are not text in the file's encoding were replaced with �.
    InvalidText,
    /// A quote opened on this line is never closed: the rest of the file
    /// ended up in one cell.
    UnterminatedQuote,
    /// The header row again (two exports joined into one file); skipped.
    RepeatedHeader,
    /// The row repeats one of an earlier file of the same kind (monthly
    /// exports that overlap).
    DuplicateAcrossFiles { first_line: u64 },
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
            ProblemReason::ThousandsJoined { found, expected } => write!(
                f,
                "row has {found} fields, the header has {expected}: a number's thousands \
                 separator was the delimiter; read as one number"
            ),
            ProblemReason::Duplicate { first_line } => {
                write!(f, "duplicate of line {first_line}; counted once")
            }
            ProblemReason::InvalidText => {
                f.write_str("bytes that are not text in this encoding were replaced with �")
            }
            ProblemReason::UnterminatedQuote => f.write_str(
                "a quote opened here is never closed; the rest of the file is in one cell",
            ),
            ProblemReason::RepeatedHeader => f.write_str("the header row again; skipped"),
            ProblemReason::DuplicateAcrossFiles { first_line } => {
                write!(
                    f,
                    "repeats line {first_line} of an earlier file; counted once"
                )
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

/// What the caller decides instead of the detection. Every field left
/// `None` is detected.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportOptions {
    pub kind: Option<Kind>,
    pub encoding: Option<Encoding>,
    pub delimiter: Option<u8>,
    /// 1-based line of the header row.
    pub header_line: Option<u64>,
    /// The canonical field of each column, by position (`None`: unused).
    pub fields: Option<Vec<Option<String>>>,
    /// Day/month order for every date column.
    pub day_order: Option<DayOrder>,
    /// Worksheet of an Excel workbook, 0 = the first.
    pub sheet: Option<usize>,
}

/// How the day/month order of a date column was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderBasis {
    /// A value in the sample had a day over 12 (or a month position over 12).
    Data,
    /// No value in the sample told; the default (day first) is assumed.
    Default,
    /// The caller chose it.
    Chosen,
}

/// The decided day/month order of one date column with short dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateOrder {
    pub header: String,
    #[serde(serialize_with = "day_order_name")]
    pub order: DayOrder,
    pub basis: OrderBasis,
}

fn day_order_name<S: serde::Serializer>(order: &DayOrder, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(match order {
        DayOrder::DayFirst => "day_first",
        DayOrder::MonthFirst => "month_first",
    })
}

/// Everything decided before the rows are read.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub kind: Kind,
    pub encoding: Encoding,
    pub delimiter: u8,
    /// 1-based line of the header row.
    pub header_line: u64,
    /// Records up to and including the header (skipped when reading rows).
    pub records_before_data: usize,
    pub headers: Vec<String>,
    /// Field index (into `kind.fields()`) of each column.
    pub fields: Vec<Option<usize>>,
    /// Day/month order per column (meaningful for date columns only).
    pub day_orders: Vec<DayOrder>,
    pub date_orders: Vec<DateOrder>,
    /// The line terminator lines are counted by.
    pub newline: u8,
}

impl Plan {
    pub fn columns(&self) -> Vec<ColumnMapping> {
        let fields = self.kind.fields();
        self.headers
            .iter()
            .zip(&self.fields)
            .map(|(h, f)| ColumnMapping {
                header: h.clone(),
                field: f.map(|f| fields[f].name),
            })
            .collect()
    }

    /// A key for remembering a confirmed mapping: the same headers in the
    /// same order are taken to be the same export.
    pub fn header_signature(&self) -> String {
        self.headers
            .iter()
            .map(|h| schema::normalize_header(h))
            .collect::<Vec<_>>()
            .join("|")
    }
}

/// What [`sniff`] found: the plan and the first rows, for a preview.
#[derive(Debug, Clone)]
pub struct Sniffed {
    pub plan: Plan,
    /// The records after the header in the sample, as text.
    pub preview: Vec<(u64, Vec<String>)>,
    /// Records above the header (title lines), as text.
    pub above_header: Vec<(u64, Vec<String>)>,
    /// The sheet names when the file is an Excel workbook (else empty).
    pub sheets: Vec<String>,
    /// The sheet the plan is for.
    pub sheet: usize,
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
    pub date_orders: Vec<DateOrder>,
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

impl Import {
    /// Everything the import says, with the table's values in row order
    /// (its `Debug` would show hash-table order), as one string: two reads
    /// of a file agree exactly when their fingerprints do (a NaN equals a
    /// NaN here). The property tests and the fuzz target compare reading a
    /// file whole and in chunks with it.
    pub fn fingerprint(&self) -> String {
        let mut table = format!("{} rows", self.table.rows);
        for (field, column) in self.table.kind.fields().iter().zip(&self.table.columns) {
            let values = match column {
                Column::Absent => continue,
                Column::Text(c) => {
                    format!("{:?}", (0..c.len()).map(|r| c.get(r)).collect::<Vec<_>>())
                }
                Column::Number(v) => format!("{v:?}"),
                Column::Time(v) => format!("{v:?}"),
            };
            table.push_str(&format!("; {}: {values}", field.name));
        }
        format!(
            "{:?} {:?} {} {} {:?} {} {} {} {} {} {:?} {table}",
            self.kind,
            self.encoding,
            self.delimiter,
            self.header_line,
            self.columns,
            self.rows_read,
            self.rows_rejected,
            self.rows_with_problems,
            self.rows_duplicate,
            self.problem_count,
            self.problems,
        )
    }
}

/// Reads a whole file held in memory (CSV-like text or an Excel workbook).
pub fn import(file: &str, bytes: &[u8], options: &ImportOptions) -> Result<Import, ImportError> {
    if let Some((sniffed, csv)) = sniff_workbook(file, bytes, options)? {
        let mut importer = Importer::new(file, sniffed.plan);
        importer.feed(&csv);
        return Ok(importer.finish());
    }
    let sniffed = sniff(file, &bytes[..bytes.len().min(SNIFF_BYTES)], options)?;
    let mut importer = Importer::new(file, sniffed.plan);
    importer.feed(bytes);
    Ok(importer.finish())
}

/// For an Excel workbook (`None` otherwise): the plan for the chosen sheet
/// and that sheet as CSV bytes. Without a chosen sheet, the first sheet
/// that holds a table is taken (a cover sheet of notes is skipped); the
/// plan's `sheets` lists them all for the picker.
pub fn sniff_workbook(
    file: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<Option<(Sniffed, Vec<u8>)>, ImportError> {
    let Some((csv, sheets)) = open_workbook(file, bytes, options)? else {
        return Ok(None);
    };
    let try_sheet = |csv: &[u8]| sniff(file, &csv[..csv.len().min(SNIFF_BYTES)], options);
    let mut first = try_sheet(&csv).map(|s| (s, csv, options.sheet.unwrap_or(0)));
    if first.is_err() && options.sheet.is_none() {
        for index in 1..sheets.len() {
            let chosen = ImportOptions {
                sheet: Some(index),
                ..options.clone()
            };
            if let Ok(Some((csv, _))) = open_workbook(file, bytes, &chosen) {
                if let Ok(s) = try_sheet(&csv) {
                    first = Ok((s, csv, index));
                    break;
                }
            }
        }
    }
    let (mut sniffed, csv, index) = first?;
    sniffed.sheets = sheets;
    sniffed.sheet = index;
    Ok(Some((sniffed, csv)))
}

/// An Excel workbook's chosen sheet as CSV bytes, and every sheet's name.
pub type Workbook = (Vec<u8>, Vec<String>);

/// For an Excel workbook: the chosen sheet as CSV bytes and every sheet's
/// name. `None` when the file is not a zip archive.
pub fn open_workbook(
    file: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<Option<Workbook>, ImportError> {
    if !crate::xlsx::is_zip(bytes) {
        return Ok(None);
    }
    let fail = |reason| ImportError {
        file: file.to_string(),
        reason,
    };
    let workbook = crate::xlsx::Workbook::open(bytes).map_err(|e| match e {
        crate::xlsx::XlsxError::NotAWorkbook => fail(ReadError::Zip),
        _ => fail(ReadError::DamagedWorkbook),
    })?;
    let csv = workbook
        .sheet_csv(options.sheet.unwrap_or(0))
        .map_err(|_| fail(ReadError::DamagedWorkbook))?;
    Ok(Some((csv.into_bytes(), workbook.sheet_names())))
}

/// Decides how to read a file from its first bytes (up to [`SNIFF_BYTES`]).
///
/// # Panics
/// When this build cannot decode the file's encoding (GB18030 in the web
/// build); check [`Decoder::supported`] and use [`sniff_text`] instead.
pub fn sniff(file: &str, head: &[u8], options: &ImportOptions) -> Result<Sniffed, ImportError> {
    let encoding = match options.encoding {
        Some(e) => e,
        None => detect(file, head)?,
    };
    let mut text = Vec::with_capacity(head.len());
    Decoder::new(encoding).decode(head, false, &mut text);
    sniff_text(file, &text, encoding, options)
}

/// The encoding of a file from its first bytes, or why it is not a table.
pub fn detect(file: &str, head: &[u8]) -> Result<Encoding, ImportError> {
    csv::detect_encoding(head).map_err(|reason| ImportError {
        file: file.to_string(),
        reason,
    })
}

/// [`sniff`] for a head the caller already decoded to UTF-8 (the web
/// build decodes GB18030 with the browser's `TextDecoder`).
pub fn sniff_text(
    file: &str,
    text: &[u8],
    encoding: Encoding,
    options: &ImportOptions,
) -> Result<Sniffed, ImportError> {
    let fail = |reason| ImportError {
        file: file.to_string(),
        reason,
    };
    if text.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(fail(ReadError::Empty));
    }
    let delimiter = options
        .delimiter
        .unwrap_or_else(|| csv::sniff_delimiter(text));
    let newline = csv::newline_of(text);
    let sample = sample_records(text, delimiter, newline);

    let (header_index, kind) = match options.header_line {
        Some(line) => {
            let index = sample
                .iter()
                .position(|(l, _)| *l >= line)
                .ok_or_else(|| fail(ReadError::NoHeader))?;
            let kind = match options.kind {
                Some(k) => k,
                None => {
                    best_kind(&header_keys(&sample[index].1))
                        .ok_or_else(|| fail(ReadError::NoHeader))?
                        .0
                }
            };
            (index, kind)
        }
        None => find_header(&sample, options.kind).ok_or_else(|| fail(ReadError::NoHeader))?,
    };
    let (header_line, headers) = sample[header_index].clone();
    let fields = match &options.fields {
        Some(chosen) => (0..headers.len())
            .map(|i| {
                chosen
                    .get(i)
                    .cloned()
                    .flatten()
                    .and_then(|name| kind.field_index(&name))
            })
            .collect(),
        None => map_headers(kind, &headers),
    };
    let data = &sample[header_index + 1..];
    let (day_orders, date_orders) =
        decide_day_orders(kind, &headers, &fields, data, options.day_order);

    Ok(Sniffed {
        plan: Plan {
            kind,
            encoding,
            delimiter,
            header_line,
            records_before_data: header_index + 1,
            headers,
            fields,
            day_orders,
            date_orders,
            newline,
        },
        preview: data.iter().take(20).cloned().collect(),
        above_header: sample[..header_index].to_vec(),
        sheets: Vec::new(),
        sheet: 0,
    })
}

fn sample_records(text: &[u8], delimiter: u8, newline: u8) -> Vec<(u64, Vec<String>)> {
    let mut reader = RecordReader::new(delimiter, newline);
    let mut out = Vec::new();
    // The sample may end inside a record; that partial record is dropped.
    reader.feed(text, &mut |r: &Record<'_>| {
        if out.len() < SAMPLE_RECORDS && !r.is_blank() {
            out.push((r.line, r.iter().map(String::from).collect()));
        }
    });
    if text.len() < SNIFF_BYTES {
        reader.finish(&mut |r: &Record<'_>| {
            if out.len() < SAMPLE_RECORDS && !r.is_blank() {
                out.push((r.line, r.iter().map(String::from).collect()));
            }
        });
    }
    out
}

/// Maps headers to fields; when two columns name one field, the first wins.
fn map_headers(kind: Kind, headers: &[String]) -> Vec<Option<usize>> {
    let mut taken = vec![false; kind.fields().len()];
    headers
        .iter()
        .map(|header| {
            let field = match_header(kind, header).filter(|&f| !taken[f]);
            if let Some(f) = field {
                taken[f] = true;
            }
            field
        })
        .collect()
}

/// A record's cells as header keys ([`schema::normalize_header`]).
fn header_keys(cells: &[String]) -> Vec<String> {
    cells
        .iter()
        .map(|cell| schema::normalize_header(cell))
        .collect()
}

/// The kind whose required fields a header row (its [`header_keys`])
/// names, with the most fields matched, and that count.
fn best_kind(keys: &[String]) -> Option<(Kind, usize)> {
    let mut best: Option<(Kind, usize)> = None;
    for kind in Kind::ALL {
        if let Some(score) = kind_score(kind, keys) {
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((kind, score));
            }
        }
    }
    best
}

/// Matched fields of `kind` in a header row (its [`header_keys`]), or
/// `None` when a required field is not named.
fn kind_score(kind: Kind, keys: &[String]) -> Option<usize> {
    let mut matched = vec![false; kind.fields().len()];
    for key in keys {
        if let Some(f) = schema::match_normalized(kind, key) {
            matched[f] = true;
        }
    }
    let required_ok = kind
        .fields()
        .iter()
        .zip(&matched)
        .all(|(f, &m)| !f.required || m);
    let score = matched.iter().filter(|&&m| m).count();
    (required_ok && score >= 2).then_some(score)
}

/// The record that best looks like a header, and its kind: the most matched
/// fields win, then the earliest record.
fn find_header(sample: &[(u64, Vec<String>)], forced: Option<Kind>) -> Option<(usize, Kind)> {
    let mut best: Option<(usize, usize, Kind)> = None;
    for (index, (_, cells)) in sample.iter().take(HEADER_SEARCH_RECORDS).enumerate() {
        let keys = header_keys(cells);
        let candidate = match forced {
            Some(kind) => kind_score(kind, &keys).map(|s| (kind, s)),
            None => best_kind(&keys),
        };
        if let Some((kind, score)) = candidate {
            if best.is_none_or(|(_, s, _)| score > s) {
                best = Some((index, score, kind));
            }
        }
    }
    best.map(|(i, _, k)| (i, k))
}

/// For each date column holding short dates (`05/03/2026`), the order the
/// sample proves: a first number over 12 means day first, a second number
/// over 12 means month first.
fn decide_day_orders(
    kind: Kind,
    headers: &[String],
    fields: &[Option<usize>],
    data: &[(u64, Vec<String>)],
    chosen: Option<DayOrder>,
) -> (Vec<DayOrder>, Vec<DateOrder>) {
    let specs = kind.fields();
    let mut orders = vec![DayOrder::default(); headers.len()];
    let mut reported = Vec::new();
    for (column, field) in fields.iter().enumerate() {
        let Some(field) = field else { continue };
        if specs[*field].ty != FieldType::Time {
            continue;
        }
        let (mut day_first, mut month_first, mut short) = (false, false, false);
        for (_, row) in data {
            if let Some((a, b)) = row.get(column).and_then(|cell| short_date_parts(cell)) {
                short = true;
                day_first |= a > 12;
                month_first |= b > 12;
            }
        }
        if !short && chosen.is_none() {
            continue;
        }
        let (order, basis) = match (chosen, day_first, month_first) {
            (Some(o), _, _) => (o, OrderBasis::Chosen),
            (None, false, true) => (DayOrder::MonthFirst, OrderBasis::Data),
            (None, true, _) => (DayOrder::DayFirst, OrderBasis::Data),
            (None, false, false) => (DayOrder::DayFirst, OrderBasis::Default),
        };
        orders[column] = order;
        reported.push(DateOrder {
            header: headers[column].clone(),
            order,
            basis,
        });
    }
    (orders, reported)
}

/// The first two numbers of a `a/b/yyyy` (or `-`, `.`) date.
fn short_date_parts(cell: &str) -> Option<(u32, u32)> {
    let folded = value::fold_width(cell);
    let date = folded.trim().split([' ', 'T']).next()?;
    let mut parts = date.split(['/', '-', '.']);
    let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || a.len() > 2 || b.len() > 2 {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// Reads a file's rows in chunks, following a [`Plan`].
pub struct Importer {
    file: String,
    plan: Plan,
    decoder: Option<Decoder>,
    reader: RecordReader,
    builder: Builder,
    records_seen: usize,
    scratch: Vec<u8>,
    bytes_fed: u64,
}

impl Importer {
    pub fn new(file: &str, plan: Plan) -> Importer {
        let decoder = Decoder::supported(plan.encoding).then(|| Decoder::new(plan.encoding));
        let slots = Slot::plan(&plan);
        let reading = Reading::plan(&plan, &slots);
        let identity = identity_slots(&plan, &slots);
        Importer {
            file: file.to_string(),
            reader: RecordReader::new(plan.delimiter, plan.newline),
            builder: Builder {
                // Every field absent until `finish` puts the columns read in.
                table: Table::new(plan.kind, &[]),
                first_header: plan.headers.first().map_or("", |h| trim(h)).to_string(),
                slots,
                reading,
                identity,
                problems: Vec::new(),
                problem_count: 0,
                rows_rejected: 0,
                rows_with_problems: 0,
                rows_duplicate: 0,
                keys: RowKeys::default(),
                may_have_replacements: false,
                last_message: LastMessage::default(),
                repair_room: RepairRoom::default(),
            },
            decoder,
            plan,
            records_seen: 0,
            scratch: Vec::new(),
            bytes_fed: 0,
        }
    }

    /// Reads the next chunk of the file's raw bytes.
    ///
    /// # Panics
    /// When this build cannot decode the plan's encoding (GB18030 in the web
    /// build): decode it first and use [`Importer::feed_utf8`].
    pub fn feed(&mut self, bytes: &[u8]) {
        self.bytes_fed += bytes.len() as u64;
        let mut bytes = bytes;
        if matches!(self.plan.encoding, Encoding::Utf8 | Encoding::Utf8Bom) {
            // What the decoder holds (a byte-order mark, a character the
            // last chunk cut in two) is finished a byte at a time, at most
            // three, so that the rest of this chunk can go the fast way.
            while !bytes.is_empty() && !self.decoder().is_idle() {
                self.decode(&bytes[..1]);
                bytes = &bytes[1..];
            }
            // The common cases, ASCII or valid UTF-8, go straight to the
            // reader; a character cut at the chunk's end waits in the
            // decoder for the next chunk.
            if let Some(text) = csv::ascii_text(bytes) {
                self.read_checked(text);
                return;
            }
            let whole = csv::utf8_whole_characters(bytes);
            if let Ok(text) = simdutf8::basic::from_utf8(&bytes[..whole]) {
                self.read_str(text);
                bytes = &bytes[whole..];
                if bytes.is_empty() {
                    return;
                }
            }
        }
        self.decode(bytes);
    }

    fn decoder(&mut self) -> &mut Decoder {
        self.decoder
            .as_mut()
            .expect("this build cannot decode the encoding; use feed_utf8")
    }

    /// Reads `bytes` through the decoder.
    fn decode(&mut self, bytes: &[u8]) {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        self.decoder().decode(bytes, false, &mut scratch);
        self.read_text(&scratch);
        self.scratch = scratch;
    }

    /// Reads a chunk of text the caller already decoded to UTF-8.
    pub fn feed_utf8(&mut self, text: &[u8]) {
        self.bytes_fed += text.len() as u64;
        self.read_text(text);
    }

    /// Makes room for the rest of a file of `total` bytes, estimated from
    /// the rows read so far (call it after the first slice): the columns
    /// then grow once instead of doubling, copying and keeping up to twice
    /// the room they need.
    pub fn reserve_for(&mut self, total: u64) {
        let rows = self.builder.table.rows;
        if rows == 0 || self.bytes_fed == 0 || total <= self.bytes_fed {
            return;
        }
        let estimate = rows as f64 * total as f64 / self.bytes_fed as f64 * 1.02;
        let more = (estimate as usize).saturating_sub(rows);
        for reading in &mut self.builder.reading {
            reading.reserve(more);
        }
        self.builder.table.lines.reserve(more);
        if self.builder.identity.is_some() {
            // Every row kept is a key seen. Only a map needs room (saving
            // a dozen rehashes of every key); the ends grow with the codes.
            self.builder.keys.reserve(more);
        }
    }

    /// Bytes handed in so far.
    pub fn bytes_fed(&self) -> u64 {
        self.bytes_fed
    }

    /// Rows kept so far.
    pub fn rows_read(&self) -> usize {
        self.builder.table.rows
    }

    fn read_str(&mut self, text: &str) {
        self.note_replacements(text.as_bytes());
        self.read_checked(text);
    }

    /// Reads text known to hold no replacement character (or already
    /// noted by [`Self::note_replacements`]).
    fn read_checked(&mut self, text: &str) {
        let Importer {
            reader,
            builder,
            plan,
            records_seen,
            ..
        } = self;
        reader.feed_str(text, &mut |record: &Record<'_>| {
            take_record(plan, builder, records_seen, record);
        });
    }

    /// Once text holds a byte that may start U+FFFD (EF), every record is
    /// checked for replacement characters; pure ASCII text never is.
    fn note_replacements(&mut self, text: &[u8]) {
        if !self.builder.may_have_replacements
            && !text.is_ascii()
            && memchr::memchr(0xEF, text).is_some()
        {
            self.builder.may_have_replacements = true;
        }
    }

    fn read_text(&mut self, text: &[u8]) {
        self.note_replacements(text);
        let Importer {
            reader,
            builder,
            plan,
            records_seen,
            ..
        } = self;
        reader.feed(text, &mut |record: &Record<'_>| {
            take_record(plan, builder, records_seen, record);
        });
    }

    /// Ends the file and returns what was read.
    pub fn finish(mut self) -> Import {
        let mut dropped_tail = false;
        if let Some(decoder) = self.decoder.as_mut() {
            let before = decoder.replaced;
            let mut tail = Vec::new();
            decoder.decode(&[], true, &mut tail);
            dropped_tail = decoder.replaced > before && tail.is_empty();
            if !tail.is_empty() {
                self.read_text(&tail);
            }
        }
        let Importer {
            mut reader,
            mut builder,
            plan,
            mut records_seen,
            file,
            ..
        } = self;
        reader.finish(&mut |record: &Record<'_>| {
            take_record(&plan, &mut builder, &mut records_seen, record);
        });
        if let Some(line) = reader.unterminated_quote {
            builder.problem(line, "", "", ProblemReason::UnterminatedQuote);
        }
        if dropped_tail {
            // Half a character after the last line (a truncated UTF-16 file).
            builder.problem(reader.line(), "", "", ProblemReason::InvalidText);
        }
        let rows_read = builder.table.rows;
        for (slot, reading) in builder.slots.iter().zip(builder.reading) {
            builder.table.columns[slot.field] = reading.into_column();
        }
        Import {
            file,
            kind: plan.kind,
            encoding: plan.encoding,
            delimiter: plan.delimiter,
            header_line: plan.header_line,
            columns: plan.columns(),
            date_orders: plan.date_orders.clone(),
            table: builder.table,
            rows_read,
            rows_rejected: builder.rows_rejected,
            rows_with_problems: builder.rows_with_problems,
            rows_duplicate: builder.rows_duplicate,
            problems: builder.problems,
            problem_count: builder.problem_count,
        }
    }
}

fn take_record(plan: &Plan, builder: &mut Builder, records_seen: &mut usize, record: &Record<'_>) {
    if record.is_blank() {
        return;
    }
    *records_seen += 1;
    if *records_seen <= plan.records_before_data {
        return;
    }
    if record.len() == plan.headers.len()
        && record
            .get(0)
            .is_some_and(|cell| is_header_cell(cell, &builder.first_header))
        && record
            .iter()
            .zip(&plan.headers)
            .all(|(cell, header)| trim(cell) == trim(header))
    {
        builder.problem(record.line, "", "", ProblemReason::RepeatedHeader);
        return;
    }
    // A replacement character means text was lost: the decoder replaced
    // bytes that are not text, or the file already carried the damage.
    // U+FFFD is EF BF BD in UTF-8: look for the lead byte first.
    if builder.may_have_replacements
        && memchr::memchr(0xEF, record.text().as_bytes()).is_some()
        && record.text().contains('\u{FFFD}')
    {
        for (column, cell) in record.iter().enumerate() {
            if cell.contains('\u{FFFD}') {
                let header = plan.headers.get(column).map_or("", String::as_str);
                builder.problem(record.line, header, cell, ProblemReason::InvalidText);
            }
        }
    }
    builder.row(plan, record);
}

struct Builder {
    table: Table,
    /// The header's first cell, trimmed: a record starting with it may be
    /// the header repeated (monthly exports pasted together).
    first_header: String,
    /// How each used column is read, in file order.
    slots: Vec<Slot>,
    /// The columns being read, one per slot.
    reading: Vec<Reading>,
    /// Positions in `slots` of the fields a row's identity is made of
    /// (`None`: a key field the file lacks).
    identity: Option<Vec<Option<usize>>>,
    problems: Vec<Problem>,
    problem_count: usize,
    rows_rejected: usize,
    rows_with_problems: usize,
    rows_duplicate: usize,
    /// The identities of the rows kept, for finding duplicates.
    keys: RowKeys,
    /// False while the text read holds no byte that could start U+FFFD.
    may_have_replacements: bool,
    /// The last few problems' messages.
    last_message: LastMessage,
    /// Room a too-long row is repaired in, kept from row to row.
    repair_room: RepairRoom,
}

/// Buffers for [`Builder::thousands_repair`]: in a messy export every
/// fifth row can be one to repair, and allocating them for each cost more
/// than the repair.
#[derive(Default)]
struct RepairRoom {
    /// The repaired record's text and its fields' spans in it.
    text: String,
    spans: Vec<(usize, usize)>,
    /// Fields that continue the one before them.
    joins: Vec<usize>,
}

/// A problem's message, written once for each run of one reason (or of a
/// few interleaved): problems come in runs (a column of bad cells, rows one
/// field too long).
#[derive(Default)]
pub(crate) struct LastMessage(Vec<(ProblemReason, String)>);

impl LastMessage {
    /// Reasons remembered: a row repaired with two ambiguous cells
    /// interleaves two reasons row after row.
    const KEPT: usize = 4;

    pub(crate) fn message(&mut self, reason: ProblemReason) -> String {
        match self.0.iter().position(|(kept, _)| *kept == reason) {
            Some(0) => self.0[0].1.clone(),
            Some(at) => {
                let found = self.0.remove(at);
                let message = found.1.clone();
                self.0.insert(0, found);
                message
            }
            None => {
                let message = reason.to_string();
                self.0.truncate(Self::KEPT - 1);
                self.0.insert(0, (reason, message.clone()));
                message
            }
        }
    }
}

/// Where one column of the file goes: decided once, before the rows.
#[derive(Clone, Copy)]
struct Slot {
    /// Position in the record.
    column: usize,
    /// Index of the table column (and of the field in `kind.fields()`).
    field: usize,
    required: bool,
}

impl Slot {
    fn plan(plan: &Plan) -> Vec<Slot> {
        let specs = plan.kind.fields();
        plan.fields
            .iter()
            .enumerate()
            .filter_map(|(column, field)| {
                let field = (*field)?;
                Some(Slot {
                    column,
                    field,
                    required: specs[field].required,
                })
            })
            .collect()
    }
}

/// A table column being read, with how its cells are read: one match per
/// cell picks both.
enum Reading {
    Text(TextColumn),
    Category(TextColumn),
    Number(Vec<f64>),
    Flag(Vec<f64>),
    Time(Vec<i64>, DayOrder),
}

impl Reading {
    fn plan(plan: &Plan, slots: &[Slot]) -> Vec<Reading> {
        let specs = plan.kind.fields();
        slots
            .iter()
            .map(|slot| match specs[slot.field].ty {
                FieldType::Text => Reading::Text(TextColumn::default()),
                FieldType::CostCategory => Reading::Category(TextColumn::default()),
                FieldType::Number => Reading::Number(Vec::new()),
                FieldType::Flag => Reading::Flag(Vec::new()),
                FieldType::Time => Reading::Time(Vec::new(), plan.day_orders[slot.column]),
            })
            .collect()
    }

    fn reserve(&mut self, rows: usize) {
        match self {
            Reading::Text(c) | Reading::Category(c) => c.reserve(rows),
            Reading::Number(v) | Reading::Flag(v) => v.reserve(rows),
            Reading::Time(v, _) => v.reserve(rows),
        }
    }

    /// Appends a missing value.
    fn push_missing(&mut self) {
        match self {
            Reading::Text(c) | Reading::Category(c) => c.push_missing(),
            Reading::Number(v) | Reading::Flag(v) => v.push(f64::NAN),
            Reading::Time(v, _) => v.push(MISSING_TIME),
        }
    }

    /// Takes back the last cell; `added` as [`read_cell`] said of it.
    fn pop(&mut self, added: bool) {
        match self {
            Reading::Text(c) | Reading::Category(c) => c.pop(added),
            Reading::Number(v) | Reading::Flag(v) => {
                v.pop();
            }
            Reading::Time(v, _) => {
                v.pop();
            }
        }
    }

    fn into_column(self) -> Column {
        match self {
            Reading::Text(c) | Reading::Category(c) => Column::Text(c),
            Reading::Number(v) | Reading::Flag(v) => Column::Number(v),
            Reading::Time(v, _) => Column::Time(v),
        }
    }
}

/// The positions in `slots` of the fields a row's identity is read from
/// (`None`: a key field the file lacks), or `None` when the kind has no
/// identity.
fn identity_slots(plan: &Plan, slots: &[Slot]) -> Option<Vec<Option<usize>>> {
    let key_fields = plan.kind.identity_fields();
    if key_fields.is_empty() {
        return None;
    }
    Some(
        key_fields
            .iter()
            .map(|name| {
                let field = plan.kind.field_index(name)?;
                slots.iter().position(|s| s.field == field)
            })
            .collect(),
    )
}

impl Builder {
    fn problem(&mut self, line: u64, column: &str, value: &str, reason: ProblemReason) {
        self.problem_count += 1;
        if self.problems.len() < MAX_LISTED_PROBLEMS {
            let message = self.last_message.message(reason);
            self.problems.push(Problem {
                line,
                column: column.to_string(),
                value: value.to_string(),
                message,
                reason,
            });
        }
    }

    /// `record`, too long by some fields, with the fields joined back
    /// where a number's thousands separator was taken for the delimiter
    /// (`…,9,015,…`), and the columns whose number cannot be told (see
    /// below), blanked. Only when the groups found account for the extra
    /// fields, each joined number falls in a number column, and every
    /// number, flag, time and category of the row then reads. Otherwise
    /// `None`, and the row is read as it stands (its extra fields ignored).
    ///
    /// Two numbers in a row can leave a run like `8,382,838` where one
    /// field is extra: 8,382 and 838, or 8 and 382,838. The columns after
    /// the run fit either way and are read; the run's own columns are
    /// missing, each with a problem. With two such runs it is not known
    /// which one holds the extra field, and nothing is repaired.
    fn thousands_repair<'a>(
        &self,
        record: &Record<'a>,
        expected: usize,
        room: &'a mut RepairRoom,
    ) -> Option<Repaired<'a>> {
        let extra = record.len().checked_sub(expected).filter(|&n| n > 0)?;
        // Field `i + 1` continues field `i`: a run of 1-3 digits (or a
        // group joined already) followed by exactly three digits.
        let joins = &mut room.joins;
        joins.clear();
        for i in 0..record.len() - 1 {
            // The group first: few fields are one, and it is the cheaper ask.
            if is_thousands_group(record.get(i + 1)?)
                && (joins.last() == Some(&(i.wrapping_sub(1))) || is_thousands_lead(record.get(i)?))
            {
                joins.push(i);
            }
        }
        let mut ambiguous = 0..0;
        if joins.len() > extra {
            // One run only, the extra fields all inside it.
            let one_run = joins.windows(2).all(|w| w[1] == w[0] + 1);
            if !one_run {
                return None;
            }
            let first = joins[0];
            let fields_in_run = joins.len() + 1;
            joins.truncate(extra);
            // The run's fields become this many columns, from `first` on.
            ambiguous = first..first + fields_in_run - extra;
        } else if joins.len() < extra {
            return None;
        }
        let is_number = |column: usize| {
            self.slots
                .iter()
                .zip(&self.reading)
                .any(|(slot, r)| slot.column == column && matches!(r, Reading::Number(_)))
        };
        // Each join before it moves a field one column left; a run's later
        // joins land where its first did, which this also gives.
        let lands_in_numbers = joins
            .iter()
            .enumerate()
            .all(|(before, &at)| is_number(at - before))
            && ambiguous.clone().all(is_number);
        if !lands_in_numbers {
            return None;
        }
        let (fitted, run) =
            record.with_joined(joins, ambiguous.clone(), &mut room.text, &mut room.spans);
        Some(Repaired {
            record: fitted,
            ambiguous,
            run,
        })
    }

    /// Reads a repaired record's cells into their columns, if every
    /// number, flag, time and category in it reads (or is missing): then
    /// the cells that joined a dictionary (bit `i` for slot `i`) and the
    /// missing ones. Else every cell is taken back out: `None`.
    fn read_repaired(&mut self, slots: &[Slot], record: &Record<'_>) -> Option<(u64, u64)> {
        let (mut added, mut missing) = (0u64, 0u64);
        for (at, slot) in slots.iter().enumerate() {
            let raw = record.get(slot.column).unwrap_or_default();
            let (present, joined) = read_cell(&mut self.reading[at], raw);
            added |= u64::from(joined) << at;
            match present {
                Ok(true) => {}
                Ok(false) => missing |= 1 << at,
                Err(_) => {
                    self.take_back(at + 1, added);
                    return None;
                }
            }
        }
        Some((added, missing))
    }

    /// Reads one record. Each cell goes straight into its column; a row
    /// rejected (a required field missing or unreadable) or
    /// repeated is taken back out of every column.
    fn row(&mut self, plan: &Plan, record: &Record<'_>) {
        let line = record.line;
        let problems_before = self.problem_count;
        let (found, expected) = (record.len(), plan.headers.len());
        // Only a comma is both a delimiter and a thousands separator. The
        // room is lent out while the repaired record borrows it.
        let mut room = (found != expected && plan.delimiter == b',')
            .then(|| std::mem::take(&mut self.repair_room));
        let fitted = room
            .as_mut()
            .and_then(|room| self.thousands_repair(record, expected, room));

        let slots = std::mem::take(&mut self.slots);
        let mut rejected = false;
        // Bit `i`: slot `i`'s text joined its dictionary in this row.
        let mut added: u64 = 0;
        let repaired = fitted.and_then(|fitted| {
            let read = self.read_repaired(&slots, &fitted.record)?;
            Some((fitted, read))
        });
        if let Some((repaired, (joined, missing))) = &repaired {
            added = *joined;
            let reason = ProblemReason::ThousandsJoined { found, expected };
            self.problem(line, "", "", reason);
            let run = &repaired.record.text()[repaired.run.0..repaired.run.1];
            for column in repaired.ambiguous.clone() {
                let header = plan.headers.get(column).map_or("", String::as_str);
                let reason = ProblemReason::Unreadable(ValueError::AmbiguousSeparator);
                self.problem(line, header, run, reason);
            }
            // The first required cell missing rejects the row, as below.
            let first_required_missing = slots
                .iter()
                .enumerate()
                .find(|(at, slot)| slot.required && missing >> at & 1 == 1);
            if let Some((_, slot)) = first_required_missing {
                let raw = repaired.record.get(slot.column).unwrap_or_default();
                let header = &plan.headers[slot.column];
                self.problem(line, header, raw, ProblemReason::RequiredMissing);
                rejected = true;
            }
        } else if found != expected {
            self.problem(line, "", "", ProblemReason::FieldCount { found, expected });
        }
        // A repaired row's cells are in their columns already.
        let unread = if repaired.is_some() { 0 } else { slots.len() };
        for (at, slot) in slots[..unread].iter().enumerate() {
            let raw = record.get(slot.column).unwrap_or_default();
            let (present, joined) = read_cell(&mut self.reading[at], raw);
            added |= u64::from(joined) << at;
            let reason = match present {
                Ok(true) => continue,
                Ok(false) if slot.required && !rejected => ProblemReason::RequiredMissing,
                Ok(false) => continue,
                Err(error) if slot.required => ProblemReason::RequiredUnreadable(error),
                Err(error) => ProblemReason::Unreadable(error),
            };
            rejected |= slot.required;
            self.problem(line, &plan.headers[slot.column], raw, reason);
        }
        if let Some(room) = room {
            self.repair_room = room;
        }

        // The row just read is at `self.table.rows`, not yet counted.
        let identity = self.identity.as_deref();
        let key = (!rejected).then(|| key_at(identity, &self.reading, self.table.rows));
        if let Some(key) = key.flatten() {
            let (reading, table) = (&self.reading, &self.table);
            let repeated = self.keys.repeated_or_keep(key, line, || {
                (0..table.rows).filter_map(|row| {
                    Some((key_at(identity, reading, row)?, u64::from(table.lines[row])))
                })
            });
            if let Some(first_line) = repeated {
                self.rows_duplicate += 1;
                self.problem(line, "", "", ProblemReason::Duplicate { first_line });
                self.take_back(slots.len(), added);
                self.slots = slots;
                return;
            }
        }
        if rejected {
            self.rows_rejected += 1;
            self.take_back(slots.len(), added);
            self.slots = slots;
            return;
        }
        self.slots = slots;
        self.table.rows += 1;
        self.table
            .lines
            .push(u32::try_from(line).unwrap_or(u32::MAX));
        if self.problem_count > problems_before {
            self.rows_with_problems += 1;
        }
    }

    /// Takes the row just read back out of the first `read` columns (all
    /// of them once a row is read whole; `added` as [`Self::row`] kept it).
    fn take_back(&mut self, read: usize, added: u64) {
        for (at, reading) in self.reading[..read].iter_mut().enumerate() {
            reading.pop(added >> at & 1 == 1);
        }
    }
}

/// The key row `row` shares with a row it repeats (the same order id, or
/// the same note on the same date), from the columns being read and the
/// positions of the identity's fields among them ([`identity_slots`]);
/// `None` when the kind has no identity or this row has none.
fn key_at(identity: Option<&[Option<usize>]>, reading: &[Reading], row: usize) -> Option<RowKey> {
    let mut key: RowKey = [0; 2];
    for (part, slot) in key.iter_mut().zip(identity?) {
        // A field the file lacks is not part of the key (one row per
        // note); a key cell that is empty or unreadable cannot show that
        // the row repeats another. Equal text has equal codes.
        let Some(slot) = slot else { continue };
        *part = match &reading[*slot] {
            Reading::Text(c) => match c.codes().get(row) {
                Some(&code) if code != MISSING_TEXT => u64::from(code),
                _ => return None,
            },
            Reading::Time(v, _) => match v.get(row) {
                Some(&t) if t != MISSING_TIME => t as u64,
                _ => return None,
            },
            _ => return None,
        };
    }
    Some(key)
}

/// Reads `raw` into the end of `column` (a missing value when it is empty
/// or unreadable). Returns whether it held a value, or why it could not be
/// read, and whether its text joined the column's dictionary.
#[inline(always)]
fn read_cell(reading: &mut Reading, raw: &str) -> (Result<bool, ValueError>, bool) {
    // Missing in every kind of column, and common (an optional field left
    // out): no reader needs to be asked.
    if raw.is_empty() {
        reading.push_missing();
        return (Ok(false), false);
    }
    match reading {
        Reading::Text(c) => {
            // The usual cell (an id, a channel) starts with a letter or digit
            // and ends in visible ASCII: nothing to trim. Nor is it missing
            // when no spelling of that starts with its letter, or, for an
            // `n`, when visible ASCII follows four letters (`N102390`; see
            // `value::is_missing`).
            let b = raw.as_bytes();
            if let (Some(&first), Some(&last)) = (b.first(), b.last()) {
                let visible = |b: u8| b > b' ' && b < 0x80;
                if first.is_ascii_alphanumeric()
                    && visible(last)
                    && (first | 0x20 != b'n' || b.get(4).is_some_and(|&fifth| visible(fifth)))
                {
                    return (Ok(true), c.push_text(raw));
                }
            }
            if value::is_missing(raw) {
                c.push_missing();
                (Ok(false), false)
            } else {
                (Ok(true), c.push_text(trim(raw)))
            }
        }
        Reading::Category(c) => {
            if value::is_missing(raw) {
                c.push_missing();
                return (Ok(false), false);
            }
            match CostCategory::parse(raw) {
                Some(category) => (Ok(true), c.push_text(category.name())),
                None => {
                    c.push_missing();
                    (Err(ValueError::UnknownCategory), false)
                }
            }
        }
        Reading::Number(v) => {
            let parsed = value::parse_number(raw);
            v.push(match parsed {
                Ok(Some(n)) => n,
                _ => f64::NAN,
            });
            (parsed.map(|n| n.is_some()), false)
        }
        Reading::Flag(v) => {
            let parsed = value::parse_flag(raw);
            v.push(match parsed {
                Ok(Some(flag)) => f64::from(u8::from(flag)),
                _ => f64::NAN,
            });
            (parsed.map(|f| f.is_some()), false)
        }
        Reading::Time(v, order) => {
            let parsed = value::parse_time(raw, *order);
            v.push(match parsed {
                Ok(Some(t)) => t,
                _ => MISSING_TIME,
            });
            (parsed.map(|t| t.is_some()), false)
        }
    }
}

/// A row fitted to its header by [`Builder::thousands_repair`].
struct Repaired<'a> {
    record: Record<'a>,
    /// Columns (the header's numbering) left missing: which of them a
    /// run of digit groups belongs to cannot be told.
    ambiguous: std::ops::Range<usize>,
    /// Where that run is in the record's text, for their problems.
    run: (usize, usize),
}

/// One to three digits, perhaps after a sign and a currency sign: what a
/// number written `9,015` leaves before the delimiter.
///
/// Every field of a row that is too long is asked, so most cells leave at
/// their first byte: a digit needs only the end trimmed, and a letter or a
/// character that is not a space, sign or currency sign cannot lead one.
fn is_thousands_lead(cell: &str) -> bool {
    let Some(&first) = cell.as_bytes().first() else {
        return false;
    };
    if first.is_ascii_digit() {
        let digits = cell.trim_end().as_bytes();
        return digits.len() <= 3 && digits.iter().all(u8::is_ascii_digit);
    }
    // The UTF-8 lead bytes of every space, of ¥ and of ￥ are C2, E1, E2,
    // E3 and EF.
    if first.is_ascii_alphabetic()
        || (first >= 0x80 && !matches!(first, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF))
    {
        return false;
    }
    is_thousands_lead_slowly(cell)
}

#[cold]
fn is_thousands_lead_slowly(cell: &str) -> bool {
    let cell = cell.trim();
    let cell = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    let cell = cell.strip_prefix(['¥', '￥', '$']).unwrap_or(cell);
    (1..=3).contains(&cell.len()) && cell.bytes().all(|b| b.is_ascii_digit())
}

/// Exactly three digits, perhaps with decimals: a thousands group.
fn is_thousands_group(cell: &str) -> bool {
    let bytes = cell.as_bytes();
    if bytes.len() < 3 || !bytes[..3].iter().all(u8::is_ascii_digit) {
        return false;
    }
    // The three digits are one byte each: `cell[3..]` is on a boundary.
    match cell[3..].trim_end().as_bytes() {
        [] => true,
        [b'.', fraction @ ..] => !fraction.is_empty() && fraction.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// Whether `cell`, trimmed, is `header` (trimmed already). Asked of every
/// record's first cell, so most leave at their first byte: visible ASCII
/// is no padding, and differs from the header's.
fn is_header_cell(cell: &str, header: &str) -> bool {
    match (cell.as_bytes().first(), header.as_bytes().first()) {
        (Some(&c), Some(&h)) if c != h && c > b' ' && c < 0x80 => false,
        _ => trim(cell) == header,
    }
}

/// `str::trim`, with a fast exit for the usual cell that has nothing to trim.
#[inline]
fn trim(text: &str) -> &str {
    if value::unpadded(text) {
        text
    } else {
        trim_slowly(text)
    }
}

#[cold]
fn trim_slowly(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}')
}

/// The problems of an import as CSV (`line,column,value,message`), safe to
/// open in a spreadsheet: a cell starting with `=`, `+`, `-` or `@` is
/// prefixed with `'` so it is never run as a formula.
pub fn problems_csv(file: &str, problems: &[Problem]) -> String {
    let mut out = String::from("file,line,column,value,message\n");
    for p in problems {
        let cells = [
            file.to_string(),
            p.line.to_string(),
            p.column.clone(),
            p.value.clone(),
            p.message.clone(),
        ];
        let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// One CSV cell, quoted when needed and defused against formula injection
/// (see [`crate::csv_out`]).
pub fn csv_cell(text: &str) -> String {
    crate::csv_out::text_cell(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Import {
        import("test.csv", text.as_bytes(), &ImportOptions::default()).unwrap()
    }

    #[test]
    fn rejected_row_leaves_no_text_in_the_dictionaries() {
        let i = read(
            "person_id,time,channel\nu1,2026-03-01,search\nu2,not a time,brand_new\nu1,2026-03-02,search\n",
        );
        assert_eq!((i.rows_read, i.rows_rejected), (2, 1));
        let people = i.table.text("person_id").unwrap();
        assert_eq!(people.dictionary().iter().collect::<Vec<_>>(), ["u1"]);
        let channels = i.table.text("channel").unwrap().dictionary();
        assert_eq!(channels.iter().collect::<Vec<_>>(), ["search"]);
        assert_eq!(i.table.times("time").unwrap().len(), 2);
    }

    #[test]
    fn repeated_order_leaves_no_text_in_the_dictionaries() {
        let i = read("order_id,time,revenue,customer_id\no1,2026-03-01,10,c1\no1,2026-03-01,20,c2\no2,2026-03-02,30,c1\n");
        assert_eq!((i.rows_read, i.rows_duplicate), (2, 1));
        let customers = i.table.text("customer_id").unwrap().dictionary();
        assert_eq!(customers.iter().collect::<Vec<_>>(), ["c1"]);
        assert_eq!(i.table.numbers("revenue").unwrap(), [10.0, 30.0]);
    }

    fn numbers(i: &Import, field: &str) -> Vec<Option<f64>> {
        let values = i.table.numbers(field).unwrap();
        values.iter().map(|v| (!v.is_nan()).then_some(*v)).collect()
    }

    /// The row was read as it stood, with a field-count problem.
    fn assert_left_as_it_stands(i: &Import, found: usize, expected: usize) {
        assert_eq!(
            i.problems[0].reason,
            ProblemReason::FieldCount { found, expected }
        );
    }

    #[test]
    fn a_number_split_by_its_thousands_separator_is_read_whole() {
        let i = read("note_id,date,impressions,views,avg_watch_seconds\nn1,2026-03-01,9,015,1147,1,234.50\nn2,2026-03-02,12,345,678,88,9\n");
        assert_eq!(
            numbers(&i, "impressions"),
            [Some(9015.0), Some(12_345_678.0)]
        );
        assert_eq!(numbers(&i, "views"), [Some(1147.0), Some(88.0)]);
        assert_eq!(numbers(&i, "avg_watch_seconds"), [Some(1234.5), Some(9.0)]);
        let reasons: Vec<_> = i.problems.iter().map(|p| p.reason).collect();
        assert_eq!(
            reasons,
            [
                ProblemReason::ThousandsJoined {
                    found: 7,
                    expected: 5
                },
                ProblemReason::ThousandsJoined {
                    found: 7,
                    expected: 5
                },
            ]
        );
        assert_eq!(i.rows_read, 2);
    }

    #[test]
    fn a_run_that_splits_two_ways_leaves_its_columns_missing_and_the_rest_read() {
        // 8,382 and 838, or 8 and 382,838: the file cannot say which.
        let i = read("note_id,date,impressions,views,likes\nn1,2026-03-01,8,382,838,41\n");
        assert_eq!(numbers(&i, "impressions"), [None]);
        assert_eq!(numbers(&i, "views"), [None]);
        assert_eq!(numbers(&i, "likes"), [Some(41.0)]);
        let cells: Vec<_> = i
            .problems
            .iter()
            .map(|p| (p.column.as_str(), p.value.as_str(), p.reason))
            .collect();
        let ambiguous = ProblemReason::Unreadable(ValueError::AmbiguousSeparator);
        assert_eq!(
            cells,
            [
                (
                    "",
                    "",
                    ProblemReason::ThousandsJoined {
                        found: 6,
                        expected: 5
                    }
                ),
                ("impressions", "8,382,838", ambiguous),
                ("views", "8,382,838", ambiguous),
            ]
        );
    }

    #[test]
    fn a_repair_reads_alike_however_the_row_was_quoted_or_cut_into_chunks() {
        let texts: [&[u8]; 3] = [
            b"note_id,date,impressions,views\nn1,2026-03-01,\"9\",015,1147\nn2,2026-03-02,9,015,1147\nn3,2026-03-03,\"8\",382,838\n",
            b"note_id,date,impressions,views,likes\nn1,2026-03-01,8,382,838,41\n",
            // Found by the fuzzer: a semicolon file, a quoted field with a
            // byte GB18030 cannot read, and `1;299` (never joined).
            b"path;total_conversions;total_col\nxhs_note > tmall;7;20\n\"xhs_note > tmall; re\x90ting\";1;299;0\n",
        ];
        for text in texts {
            let whole = import("t.csv", text, &ImportOptions::default()).unwrap();
            let plan = sniff("t.csv", text, &ImportOptions::default())
                .unwrap()
                .plan;
            for size in 1..text.len() {
                let mut importer = Importer::new("t.csv", plan.clone());
                text.chunks(size).for_each(|chunk| importer.feed(chunk));
                assert_eq!(
                    importer.finish().fingerprint(),
                    whole.fingerprint(),
                    "chunks of {size}"
                );
            }
        }
    }

    #[test]
    fn digit_groups_are_not_joined_when_the_row_would_then_not_read() {
        // The title's comma split it; 100 and 200 only look like a number.
        let text = "note_id,title,format,likes,saves\nn1,Spring, part 2,video,100,200\n";
        let i = read(text);
        assert_left_as_it_stands(&i, 6, 5);
        assert_eq!(numbers(&i, "likes"), [None]);
    }

    #[test]
    fn digit_groups_landing_in_a_text_column_are_not_joined() {
        let i = read("note_id,title,views\nn1,123,456,7\n");
        assert_left_as_it_stands(&i, 4, 3);
        assert_eq!(i.table.text("title").unwrap().get(0), Some("123"));
    }

    #[test]
    fn two_runs_with_one_field_too_many_are_left_as_they_stand() {
        let i = read("note_id,date,impressions,views,likes,saves\nn1,2026-03-01,1,234,5,678,9\n");
        assert_left_as_it_stands(&i, 7, 6);
    }

    #[test]
    fn every_kind_fits_the_bit_mask_and_the_key_a_row_keeps() {
        for kind in Kind::ALL {
            assert!(kind.fields().len() <= 64, "{kind:?}");
            assert!(
                kind.identity_fields().len() <= RowKey::default().len(),
                "{kind:?}"
            );
        }
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
    fn a_per_note_export_without_dates_repeats_by_note_id_alone() {
        let i = read("note_id,views\nn1,5\nn1,5\nn2,1\n");
        assert_eq!(i.rows_read, 2);
        assert_eq!(i.rows_duplicate, 1);
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
                ..ImportOptions::default()
            },
        )
        .unwrap();
        assert_eq!(i.kind, Kind::Paths);
        assert_eq!(i.table.sum("conversions"), 3.0);
    }

    fn read_in_chunks(bytes: &[u8], size: usize) -> Import {
        let sniffed = sniff(
            "t.csv",
            &bytes[..bytes.len().min(SNIFF_BYTES)],
            &ImportOptions::default(),
        )
        .unwrap();
        let mut importer = Importer::new("t.csv", sniffed.plan);
        for chunk in bytes.chunks(size) {
            importer.feed(chunk);
        }
        importer.finish()
    }

    #[test]
    fn reading_in_chunks_gives_the_same_table_as_reading_at_once() {
        let text = "\u{FEFF}笔记ID,日期,曝光量,阅读量,标题\r\n\
                    n1,2026-03-01,\"1,000\",120,\"春日, 护肤\"\r\n\
                    n2,2026-03-02,1.2万,--,\"多行\n标题\"\r\n\
                    n3,2026-03-03,abc,7,x\r\n";
        let whole = read(text);
        for size in [1, 2, 3, 7, 64] {
            let chunked = read_in_chunks(text.as_bytes(), size);
            assert_eq!(chunked.table, whole.table, "chunk size {size}");
            assert_eq!(chunked.problems, whole.problems, "chunk size {size}");
        }
        assert_eq!(whole.encoding, Encoding::Utf8Bom);
        assert_eq!(whole.table.sum("impressions"), 13_000.0);
        // n2's title spans lines 3 and 4, so n3 starts on line 5.
        assert_eq!(whole.problems[0].line, 5);
    }

    #[test]
    fn a_character_split_between_chunks_survives_the_fast_path() {
        let text = "note_id,title\nn1,曝光很高\nn2,ok\n".as_bytes();
        let whole = import("t.csv", text, &ImportOptions::default()).unwrap();
        for size in 1..text.len() {
            assert_eq!(
                read_in_chunks(text, size).table,
                whole.table,
                "chunk size {size}"
            );
        }
    }

    #[test]
    fn utf16_files_are_read_like_utf8() {
        let text = "note_id,views\n笔记1,5\n";
        let bytes: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let i = import("u16.csv", &bytes, &ImportOptions::default()).unwrap();
        assert_eq!(i.encoding, Encoding::Utf16Le);
        assert_eq!(i.table.text("note_id").unwrap().get(0), Some("笔记1"));
        assert_eq!(read_in_chunks(&bytes, 3).table, i.table);
    }

    #[test]
    fn gb18030_creator_centre_export_is_read() {
        // "笔记ID,曝光量\nN1,1.2万\n" in GBK, under a title line "笔记列表明细表".
        let mut bytes = b"\xB1\xCA\xBC\xC7\xC1\xD0\xB1\xED\xC3\xF7\xCF\xB8\xB1\xED\n".to_vec();
        bytes.extend_from_slice(b"\xB1\xCA\xBC\xC7ID,\xC6\xD8\xB9\xE2\xC1\xBF\nN1,1.2\xCD\xF2\n");
        let i = import("gbk.csv", &bytes, &ImportOptions::default()).unwrap();
        assert_eq!(i.encoding, Encoding::Gb18030);
        assert_eq!(i.header_line, 2);
        assert_eq!(i.kind, Kind::Notes);
        assert_eq!(i.table.sum("impressions"), 12_000.0);
    }

    #[test]
    fn day_first_is_proven_by_a_day_over_twelve() {
        let i = read("order_id,time,revenue\no1,03/05/2026,1\no2,25/05/2026,1\n");
        assert_eq!(i.date_orders[0].order, DayOrder::DayFirst);
        assert_eq!(i.date_orders[0].basis, OrderBasis::Data);
        let times = i.table.times("time").unwrap();
        assert_eq!(crate::time::format_timestamp(times[0]), "2026-05-03");
    }

    #[test]
    fn month_first_is_proven_by_a_second_number_over_twelve() {
        let i = read("order_id,time,revenue\no1,03/05/2026,1\no2,05/25/2026,1\n");
        assert_eq!(i.date_orders[0].order, DayOrder::MonthFirst);
        assert_eq!(
            crate::time::format_timestamp(i.table.times("time").unwrap()[0]),
            "2026-03-05"
        );
        assert!(i.problems.is_empty());
    }

    #[test]
    fn undecidable_short_dates_are_day_first_and_say_so() {
        let i = read("order_id,time,revenue\no1,03/05/2026,1\n");
        assert_eq!(i.date_orders[0].basis, OrderBasis::Default);
        let iso = read("order_id,time,revenue\no1,2026-03-05,1\n");
        assert!(iso.date_orders.is_empty());
    }

    #[test]
    fn every_detected_choice_can_be_overridden() {
        let text = b"title line\nid;views;likes\nn1;5;2\n";
        let options = ImportOptions {
            kind: Some(Kind::Notes),
            delimiter: Some(b';'),
            header_line: Some(2),
            fields: Some(vec![Some("note_id".into()), Some("likes".into()), None]),
            ..ImportOptions::default()
        };
        let i = import("x.csv", text, &options).unwrap();
        assert_eq!(i.header_line, 2);
        assert_eq!(i.table.sum("likes"), 5.0);
        assert!(!i.table.has("views"));
        assert_eq!(
            i.columns[2],
            ColumnMapping {
                header: "likes".into(),
                field: None
            }
        );
    }

    #[test]
    fn the_header_signature_ignores_case_and_spacing() {
        let a = sniff("a", b"Note ID,Views\n1,2\n", &ImportOptions::default()).unwrap();
        let b = sniff("b", b"note_id,views\n3,4\n", &ImportOptions::default()).unwrap();
        assert_eq!(a.plan.header_signature(), b.plan.header_signature());
        assert_eq!(a.preview.len(), 1);
    }

    #[test]
    fn problems_csv_defuses_formulas_and_quotes_text() {
        let i = read("note_id,views\nn1,=1+2\nn2,\"-,5\"\n");
        let csv = problems_csv("t.csv", &i.problems);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "file,line,column,value,message");
        assert_eq!(lines[1], "t.csv,2,views,'=1+2,not a number");
        assert_eq!(
            lines[2],
            "t.csv,3,views,\"'-,5\",ambiguous thousands separator"
        );
    }

    /// The group check as first written: trim, split. (The lead's is
    /// [`is_thousands_lead_slowly`], the rule its fast exits stand for.)
    fn is_thousands_group_reference(cell: &str) -> bool {
        let cell = cell.trim_end();
        let (whole, fraction) = cell.split_once('.').unwrap_or((cell, "0"));
        whole.len() == 3
            && whole.bytes().all(|b| b.is_ascii_digit())
            && !fraction.is_empty()
            && fraction.bytes().all(|b| b.is_ascii_digit())
    }

    proptest::proptest! {
        #[test]
        fn a_text_cell_reads_as_missing_or_as_its_trimmed_text(
            raw in "[nN aoul/0-9\u{1}\u{3000}\u{FEFF}无-]{0,7}",
        ) {
            let mut reading = Reading::Text(TextColumn::default());
            let (present, _) = read_cell(&mut reading, &raw);
            let Reading::Text(column) = &reading else { unreachable!() };
            if value::is_missing(&raw) {
                proptest::prop_assert_eq!(present, Ok(false));
                proptest::prop_assert_eq!(column.last(), None);
            } else {
                proptest::prop_assert_eq!(present, Ok(true));
                proptest::prop_assert_eq!(column.last(), Some(trim(&raw)));
            }
        }

        #[test]
        fn thousands_checks_answer_as_the_plain_reading_does(
            cell in "[0-9.+\\-$¥￥a-z笔 \u{3000}\u{A0}\u{2009}\t]{0,8}",
        ) {
            proptest::prop_assert_eq!(is_thousands_lead(&cell), is_thousands_lead_slowly(&cell));
            proptest::prop_assert_eq!(is_thousands_group(&cell), is_thousands_group_reference(&cell));
        }
    }

    #[test]
    fn a_header_cell_is_known_through_its_padding() {
        assert!(is_header_cell("person_id", "person_id"));
        assert!(is_header_cell(" person_id\u{3000}", "person_id"));
        assert!(is_header_cell("\u{FEFF}笔记ID", "笔记ID"));
        assert!(!is_header_cell("user_1", "person_id"));
        assert!(!is_header_cell("p", "person_id"));
        assert!(!is_header_cell("N100000", "笔记ID"));
        assert!(is_header_cell(" ", ""));
    }

    #[test]
    fn thousands_checks_know_leads_and_groups() {
        for lead in [
            "9",
            "12",
            "123",
            " 12",
            "-5",
            "+5",
            "¥12",
            "-￥12",
            "$1 ",
            "\u{3000}12",
        ] {
            assert!(is_thousands_lead(lead), "{lead:?}");
        }
        for not_lead in ["", "1234", "N1", "笔1", "1.5", "--1", "¥¥1", "1 2"] {
            assert!(!is_thousands_lead(not_lead), "{not_lead:?}");
        }
        for group in ["015", "015 ", "015.50", "000.0"] {
            assert!(is_thousands_group(group), "{group:?}");
        }
        for not_group in ["", "15", "0150", " 015", "015.", "015.5.0", "015 .5", "01a"] {
            assert!(!is_thousands_group(not_group), "{not_group:?}");
        }
    }
}
