//! Excel workbooks (`.xlsx`) read directly: the zip container, the shared
//! strings and one worksheet, turned into CSV text that the ordinary import
//! pipeline then reads (so header detection, aliases, value parsing and
//! problem reporting are exactly those of CSV files).
//!
//! Dates in a workbook are numbers with a date style; they arrive as Excel
//! serial days, which the value parser already reads. Each sheet row becomes
//! the CSV line of the same number, so problems name the row Excel shows.

use std::collections::HashMap;

/// Why a workbook could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XlsxError {
    #[error("this zip archive is not an Excel workbook")]
    NotAWorkbook,
    #[error("the workbook is damaged: {0}")]
    Damaged(&'static str),
    #[error("the workbook has no sheet {0}")]
    NoSuchSheet(usize),
}

/// True when the bytes start like a zip archive (an .xlsx is one).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// A zip member: name and where its data is.
struct Entry {
    name: String,
    method: u16,
    compressed_size: usize,
    local_header: usize,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The central directory of a zip archive.
fn entries(bytes: &[u8]) -> Result<Vec<Entry>, XlsxError> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let damaged = XlsxError::Damaged("zip directory");
    let search_from = bytes.len().saturating_sub(65_557);
    let eocd = bytes[search_from..]
        .windows(4)
        .rposition(|w| w == EOCD)
        .map(|p| p + search_from)
        .ok_or(XlsxError::NotAWorkbook)?;
    let count = u16_at(bytes, eocd + 10).ok_or(damaged.clone())? as usize;
    let mut at = u32_at(bytes, eocd + 16).ok_or(damaged.clone())? as usize;
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        if bytes.get(at..at + 4) != Some(b"PK\x01\x02") {
            return Err(damaged);
        }
        let method = u16_at(bytes, at + 10).ok_or(damaged.clone())?;
        let compressed_size = u32_at(bytes, at + 20).ok_or(damaged.clone())? as usize;
        let name_len = u16_at(bytes, at + 28).ok_or(damaged.clone())? as usize;
        let extra_len = u16_at(bytes, at + 30).ok_or(damaged.clone())? as usize;
        let comment_len = u16_at(bytes, at + 32).ok_or(damaged.clone())? as usize;
        let local_header = u32_at(bytes, at + 42).ok_or(damaged.clone())? as usize;
        let name = bytes
            .get(at + 46..at + 46 + name_len)
            .ok_or(damaged.clone())?;
        out.push(Entry {
            name: String::from_utf8_lossy(name).replace('\\', "/"),
            method,
            compressed_size,
            local_header,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(out)
}

/// The bytes of one member, inflated.
fn read_entry(bytes: &[u8], entry: &Entry) -> Result<Vec<u8>, XlsxError> {
    let damaged = XlsxError::Damaged("zip member");
    let at = entry.local_header;
    if bytes.get(at..at + 4) != Some(b"PK\x03\x04") {
        return Err(damaged);
    }
    let name_len = u16_at(bytes, at + 26).ok_or(damaged.clone())? as usize;
    let extra_len = u16_at(bytes, at + 28).ok_or(damaged.clone())? as usize;
    let start = at + 30 + name_len + extra_len;
    let data = bytes
        .get(start..start + entry.compressed_size)
        .ok_or(damaged.clone())?;
    match entry.method {
        0 => Ok(data.to_vec()),
        8 => miniz_oxide::inflate::decompress_to_vec(data)
            .map_err(|_| XlsxError::Damaged("compressed data")),
        _ => Err(XlsxError::Damaged("unsupported compression")),
    }
}

/// An opened workbook: its sheets by name, and the shared strings.
pub struct Workbook<'a> {
    bytes: &'a [u8],
    entries: Vec<Entry>,
    /// Sheet names and their worksheet paths, in workbook order.
    sheets: Vec<(String, String)>,
    shared: Vec<String>,
}

impl<'a> Workbook<'a> {
    pub fn open(bytes: &'a [u8]) -> Result<Workbook<'a>, XlsxError> {
        let entries = entries(bytes)?;
        let find = |name: &str| entries.iter().find(|e| e.name.eq_ignore_ascii_case(name));
        let workbook = find("xl/workbook.xml").ok_or(XlsxError::NotAWorkbook)?;
        let workbook = read_entry(bytes, workbook)?;
        let relations = match find("xl/_rels/workbook.xml.rels") {
            Some(e) => read_entry(bytes, e)?,
            None => Vec::new(),
        };
        let targets: HashMap<String, String> = elements(&relations, "Relationship")
            .into_iter()
            .filter_map(|attrs| Some((attr(&attrs, "Id")?, attr(&attrs, "Target")?)))
            .collect();
        let mut sheets = Vec::new();
        for (index, attrs) in elements(&workbook, "sheet").into_iter().enumerate() {
            let name = attr(&attrs, "name").unwrap_or_else(|| format!("Sheet{}", index + 1));
            let target = attr(&attrs, "r:id")
                .and_then(|id| targets.get(&id).cloned())
                .unwrap_or_else(|| format!("worksheets/sheet{}.xml", index + 1));
            let path = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("xl/{target}"),
            };
            sheets.push((name, path));
        }
        let shared = match find("xl/sharedStrings.xml") {
            Some(e) => shared_strings(&read_entry(bytes, e)?),
            None => Vec::new(),
        };
        Ok(Workbook {
            bytes,
            entries,
            sheets,
            shared,
        })
    }

    pub fn sheet_names(&self) -> Vec<String> {
        self.sheets.iter().map(|(n, _)| n.clone()).collect()
    }

    /// Sheet `index` (0 = the first) as CSV text.
    pub fn sheet_csv(&self, index: usize) -> Result<String, XlsxError> {
        let (_, path) = self
            .sheets
            .get(index)
            .ok_or(XlsxError::NoSuchSheet(index + 1))?;
        let entry = self
            .entries
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(path))
            .ok_or(XlsxError::Damaged("missing worksheet"))?;
        let xml = read_entry(self.bytes, entry)?;
        Ok(sheet_to_csv(&xml, &self.shared))
    }
}

/// The attributes of every `<tag ...>` element, in order.
fn elements(xml: &[u8], tag: &str) -> Vec<String> {
    let text = String::from_utf8_lossy(xml);
    let open = format!("<{tag}");
    let mut out = Vec::new();
    let mut rest: &str = &text;
    while let Some(at) = rest.find(&open) {
        let after = &rest[at + open.len()..];
        // `<sheet` must not match `<sheets`.
        if after.starts_with(|c: char| c.is_whitespace() || c == '/' || c == '>') {
            let end = after.find('>').unwrap_or(after.len());
            out.push(after[..end].to_string());
        }
        rest = after;
    }
    out
}

fn attr(attrs: &str, name: &str) -> Option<String> {
    let key = format!("{name}=");
    let mut search = attrs;
    while let Some(at) = search.find(&key) {
        let before_ok = at == 0 || search[..at].ends_with(char::is_whitespace);
        let after = &search[at + key.len()..];
        if before_ok {
            let quote = after.chars().next()?;
            if quote == '"' || quote == '\'' {
                let value = &after[1..];
                let end = value.find(quote)?;
                return Some(unescape(&value[..end]));
            }
        }
        search = after;
    }
    None
}

/// XML character references and the five named entities.
fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let Some(end) = tail.find(';') else {
            out.push_str(tail);
            return out;
        };
        let entity = &tail[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => out.push(c),
            None => out.push_str(&tail[..=end]),
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The text of every `<t>` inside `xml` (rich text runs joined).
fn text_runs(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(at) = rest.find("<t") {
        let after = &rest[at + 2..];
        if !after.starts_with(|c: char| c == '>' || c.is_whitespace()) {
            rest = after;
            continue;
        }
        let Some(open_end) = after.find('>') else {
            break;
        };
        if after[..open_end].ends_with('/') {
            rest = &after[open_end + 1..];
            continue;
        }
        let body = &after[open_end + 1..];
        let Some(close) = body.find("</t>") else {
            break;
        };
        out.push_str(&unescape(&body[..close]));
        rest = &body[close + 4..];
    }
    out
}

fn shared_strings(xml: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(xml);
    let mut out = Vec::new();
    let mut rest: &str = &text;
    while let Some(at) = rest.find("<si") {
        let after = &rest[at + 3..];
        let end = after.find("</si>").unwrap_or(after.len());
        out.push(text_runs(&after[..end]));
        rest = &after[end..];
    }
    out
}

/// `B` -> 1, `AA` -> 26 (0-based column of a cell reference like `AA12`).
fn column_of(reference: &str) -> Option<usize> {
    let letters: String = reference
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    if letters.is_empty() {
        return None;
    }
    let mut n = 0usize;
    for c in letters.chars() {
        n = n * 26 + (c.to_ascii_uppercase() as usize - 'A' as usize + 1);
    }
    Some(n - 1)
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// A worksheet's cells as CSV: row `n` of the sheet is line `n`.
fn sheet_to_csv(xml: &[u8], shared: &[String]) -> String {
    let text = String::from_utf8_lossy(xml);
    let mut out = String::new();
    let mut written_rows = 0usize;
    let mut rest: &str = &text;
    while let Some(at) = rest.find("<row") {
        let after = &rest[at + 4..];
        let head_end = after.find('>').unwrap_or(after.len());
        let row_attrs = &after[..head_end];
        let (body, next) = if row_attrs.ends_with('/') {
            ("", &after[head_end..])
        } else {
            let body_start = (head_end + 1).min(after.len());
            let end = after[body_start..]
                .find("</row>")
                .map_or(after.len(), |e| body_start + e);
            (&after[body_start..end], &after[end..])
        };
        let row_number = attr(row_attrs, "r")
            .and_then(|r| r.parse().ok())
            .unwrap_or(written_rows + 1);
        let mut cells: Vec<(usize, String)> = Vec::new();
        let mut cell_rest = body;
        let mut position = 0usize;
        while let Some(c_at) = cell_rest.find("<c") {
            let c_after = &cell_rest[c_at + 2..];
            if !c_after.starts_with(|ch: char| ch.is_whitespace() || ch == '>' || ch == '/') {
                cell_rest = c_after;
                continue;
            }
            let c_head_end = c_after.find('>').unwrap_or(c_after.len());
            let c_attrs = &c_after[..c_head_end];
            let (c_body, c_next) = if c_attrs.ends_with('/') {
                ("", &c_after[c_head_end..])
            } else {
                let start = (c_head_end + 1).min(c_after.len());
                let end = c_after[start..]
                    .find("</c>")
                    .map_or(c_after.len(), |e| start + e);
                (&c_after[start..end], &c_after[end..])
            };
            let column = attr(c_attrs, "r")
                .and_then(|r| column_of(&r))
                .unwrap_or(position);
            position = column + 1;
            let kind = attr(c_attrs, "t").unwrap_or_default();
            let value = value_of(c_body);
            let shown = match kind.as_str() {
                "s" => value
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| shared.get(i).cloned())
                    .unwrap_or_default(),
                "inlineStr" => text_runs(c_body),
                "b" => {
                    if value.trim() == "1" {
                        "TRUE".into()
                    } else {
                        "FALSE".into()
                    }
                }
                _ => unescape(&value),
            };
            cells.push((column, shown));
            cell_rest = c_next;
        }
        // Keep sheet row numbers as line numbers: blank lines for skipped rows.
        while written_rows + 1 < row_number {
            out.push('\n');
            written_rows += 1;
        }
        let width = cells.iter().map(|(c, _)| c + 1).max().unwrap_or(0);
        let mut line = vec![String::new(); width];
        for (column, shown) in cells {
            line[column] = csv_field(&shown);
        }
        out.push_str(&line.join(","));
        out.push('\n');
        written_rows += 1;
        rest = next;
    }
    out
}

/// The text of a cell's `<v>` element.
fn value_of(cell_body: &str) -> String {
    let Some(at) = cell_body.find("<v>") else {
        return String::new();
    };
    let body = &cell_body[at + 3..];
    body.find("</v>")
        .map_or(String::new(), |end| body[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_workbook_lists_its_sheets_and_reads_the_chosen_one() {
        let bytes = std::fs::read("../../tests/fixtures/workbook-notes.xlsx").unwrap();
        let workbook = Workbook::open(&bytes).unwrap();
        assert_eq!(workbook.sheet_names(), vec!["说明", "笔记数据"]);
        let options = crate::ImportOptions {
            sheet: Some(1),
            ..crate::ImportOptions::default()
        };
        let i = crate::import("workbook-notes.xlsx", &bytes, &options).unwrap();
        assert_eq!(i.kind, crate::Kind::Notes);
        assert_eq!(i.header_line, 2);
        assert_eq!(i.rows_read, 3);
        assert_eq!(i.table.sum("impressions"), 12_000.0 + 34_500.0 + 8_906.0);
        assert_eq!(i.table.text("title").unwrap().get(1), Some("敏感肌 & 成分"));
        // Excel stores the date cells as serial days.
        let published = i.table.times("published_at").unwrap();
        assert_eq!(
            crate::time::format_timestamp(published[0]),
            "2026-03-05 12:30:00"
        );
        assert_eq!(crate::time::format_timestamp(published[2]), "2026-04-01");
    }

    #[test]
    fn a_cover_sheet_without_a_table_is_skipped_unless_chosen() {
        let bytes = std::fs::read("../../tests/fixtures/workbook-notes.xlsx").unwrap();
        let i = crate::import("w.xlsx", &bytes, &crate::ImportOptions::default()).unwrap();
        assert_eq!(i.rows_read, 3);
        let chosen = crate::ImportOptions {
            sheet: Some(0),
            ..crate::ImportOptions::default()
        };
        let error = crate::import("w.xlsx", &bytes, &chosen).unwrap_err();
        assert_eq!(error.reason, crate::csv::ReadError::NoHeader);
    }

    #[test]
    fn a_zip_that_is_not_a_workbook_says_so() {
        let e = crate::import(
            "x.csv",
            b"PK\x03\x04 not really",
            &crate::ImportOptions::default(),
        )
        .unwrap_err();
        assert_eq!(e.reason, crate::csv::ReadError::Zip);
    }

    #[test]
    fn column_letters_count_from_zero() {
        assert_eq!(column_of("A1"), Some(0));
        assert_eq!(column_of("Z9"), Some(25));
        assert_eq!(column_of("AA10"), Some(26));
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(
            unescape("a &amp; b &lt;c&gt; &#20320;&#x597D;"),
            "a & b <c> 你好"
        );
    }

    #[test]
    fn a_sheet_becomes_csv_with_sheet_rows_as_lines() {
        let shared = vec![
            "笔记ID".to_string(),
            "曝光量".to_string(),
            "a, \"b\"".to_string(),
        ];
        let xml = br#"<worksheet><sheetData>
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>
            <row r="3"><c r="A3" t="inlineStr"><is><t>n1</t></is></c><c r="B3"><v>12000</v></c><c r="D3" t="s"><v>2</v></c></row>
            </sheetData></worksheet>"#;
        assert_eq!(
            sheet_to_csv(xml, &shared),
            "笔记ID,曝光量\n\nn1,12000,,\"a, \"\"b\"\"\"\n"
        );
    }
}
