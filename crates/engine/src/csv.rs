//! Turning a file's bytes into records: encoding, delimiter, quoting, lines.
//!
//! Built on `csv-core` (no allocation per field). Fields are handed out as
//! `&str` slices into one reused buffer.

use std::borrow::Cow;

use serde::Serialize;

/// Why a file could not be read as a table at all. Each is one sentence for
/// the user; the caller names the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("the file is empty")]
    Empty,
    #[error("this is a PDF document, not a table: export the report as CSV or Excel instead")]
    Pdf,
    #[error("this looks like a binary file, not a table of text")]
    Binary,
    #[error("this is a zip archive or Excel workbook; save it as CSV first")]
    Zip,
    #[error("the text encoding is not recognised (expected UTF-8, UTF-16 or GB18030)")]
    UnknownEncoding,
    #[error("no header row was found")]
    NoHeader,
}

/// The text encodings the reader detects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Encoding {
    #[serde(rename = "UTF-8")]
    Utf8,
    #[serde(rename = "UTF-8 with BOM")]
    Utf8Bom,
    #[serde(rename = "UTF-16LE")]
    Utf16Le,
    #[serde(rename = "UTF-16BE")]
    Utf16Be,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        }
    }
}

/// The file as UTF-8 bytes, borrowed when it already was UTF-8.
pub fn decode(bytes: &[u8]) -> Result<(Cow<'_, [u8]>, Encoding), ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return check_utf8(rest).map(|t| (Cow::Borrowed(t), Encoding::Utf8Bom));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return Ok((
            Cow::Owned(decode_utf16(rest, u16::from_le_bytes)),
            Encoding::Utf16Le,
        ));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return Ok((
            Cow::Owned(decode_utf16(rest, u16::from_be_bytes)),
            Encoding::Utf16Be,
        ));
    }
    if bytes.starts_with(b"%PDF") {
        return Err(ReadError::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(ReadError::Zip);
    }
    let head = &bytes[..bytes.len().min(4096)];
    if head.contains(&0) {
        return Err(ReadError::Binary);
    }
    check_utf8(bytes).map(|t| (Cow::Borrowed(t), Encoding::Utf8))
}

fn check_utf8(bytes: &[u8]) -> Result<&[u8], ReadError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReadError::Empty);
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => Ok(bytes),
        Err(_) => Err(ReadError::UnknownEncoding),
    }
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Vec<u8> {
    let units = bytes.chunks_exact(2).map(|p| unit([p[0], p[1]]));
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect::<String>()
        .into_bytes()
}

/// The delimiters the reader tries.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Picks the delimiter that splits the most lines into the same number of
/// fields. Title lines above the header do not vote: only the common count wins.
pub fn sniff_delimiter(text: &[u8]) -> u8 {
    let sample = &text[..text.len().min(64 * 1024)];
    let lines: Vec<&[u8]> = sample
        .split(|&b| b == b'\n' || b == b'\r')
        .filter(|l| !l.is_empty())
        .take(50)
        .collect();
    let mut best = (b',', 0usize, 0usize);
    for &delimiter in &DELIMITERS {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| count_outside_quotes(l, delimiter))
            .collect();
        let mut tally = std::collections::HashMap::new();
        for &c in counts.iter().filter(|&&c| c > 0) {
            *tally.entry(c).or_insert(0usize) += 1;
        }
        if let Some((&mode, &agree)) = tally.iter().max_by_key(|(&c, &n)| (n, c)) {
            if (agree, mode) > (best.1, best.2) {
                best = (delimiter, agree, mode);
            }
        }
    }
    best.0
}

fn count_outside_quotes(line: &[u8], delimiter: u8) -> usize {
    let mut quoted = false;
    let mut count = 0;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if b == delimiter && !quoted {
            count += 1;
        }
    }
    count
}

/// Reads records one at a time from UTF-8 text.
pub struct Records<'a> {
    reader: csv_core::Reader,
    input: &'a [u8],
    pos: usize,
    newline: u8,
    line: u64,
    output: Vec<u8>,
    ends: Vec<usize>,
    done: bool,
}

impl<'a> Records<'a> {
    pub fn new(text: &'a [u8], delimiter: u8) -> Records<'a> {
        let newline = if text.contains(&b'\n') { b'\n' } else { b'\r' };
        Records {
            reader: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            input: text,
            pos: 0,
            newline,
            line: 1,
            output: vec![0; 4096],
            ends: vec![0; 64],
            done: false,
        }
    }

    /// How far through the text the reader is, in bytes.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The next record and the 1-based line it starts on, or `None` at the end.
    pub fn next_record(&mut self) -> Option<Record<'_>> {
        use csv_core::ReadRecordResult as R;
        if self.done {
            return None;
        }
        let start_line = self.line_at_record_start();
        let (mut out_len, mut ends_len) = (0, 0);
        loop {
            let input = &self.input[self.pos..];
            let (result, read, written, ended) = self.reader.read_record(
                input,
                &mut self.output[out_len..],
                &mut self.ends[ends_len..],
            );
            self.line += bytecount(&input[..read], self.newline);
            self.pos += read;
            out_len += written;
            ends_len += ended;
            match result {
                R::InputEmpty => continue,
                R::OutputFull => self.output.resize(self.output.len() * 2, 0),
                R::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                R::Record => {
                    return Some(Record {
                        line: start_line,
                        buffer: &self.output[..out_len],
                        ends: &self.ends[..ends_len],
                    })
                }
                R::End => {
                    self.done = true;
                    return None;
                }
            }
        }
    }

    fn line_at_record_start(&mut self) -> u64 {
        // Blank lines are skipped by csv-core; count them so the line is true.
        while self.pos < self.input.len() && matches!(self.input[self.pos], b'\n' | b'\r') {
            if self.input[self.pos] == self.newline {
                self.line += 1;
            }
            self.pos += 1;
        }
        self.line
    }
}

fn bytecount(bytes: &[u8], needle: u8) -> u64 {
    bytes.iter().filter(|&&b| b == needle).count() as u64
}

/// One record: its fields and the line it starts on.
pub struct Record<'r> {
    pub line: u64,
    buffer: &'r [u8],
    ends: &'r [usize],
}

impl<'r> Record<'r> {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field `i` as text. Fields are cut at ASCII bytes of valid UTF-8, so they
    /// are valid UTF-8 themselves.
    pub fn get(&self, i: usize) -> Option<&'r str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        std::str::from_utf8(&self.buffer[start..end]).ok()
    }

    pub fn iter(&self) -> impl Iterator<Item = &'r str> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or(""))
    }

    /// True when every field is blank (a spacer line from a spreadsheet).
    pub fn is_blank(&self) -> bool {
        self.iter().all(|f| f.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &str, delimiter: u8) -> Vec<(u64, Vec<String>)> {
        let mut records = Records::new(text.as_bytes(), delimiter);
        let mut out = Vec::new();
        while let Some(r) = records.next_record() {
            out.push((r.line, r.iter().map(String::from).collect()));
        }
        out
    }

    #[test]
    fn quoted_fields_keep_delimiters_quotes_and_newlines() {
        let rows = read_all("a,b\n\"x, y\",\"say \"\"hi\"\"\nthere\"\nlast,1\n", b',');
        assert_eq!(rows[1].1, vec!["x, y", "say \"hi\"\nthere"]);
        assert_eq!(rows[1].0, 2);
        assert_eq!(rows[2], (4, vec!["last".into(), "1".into()]));
    }

    #[test]
    fn crlf_lf_and_cr_line_endings_give_the_same_records() {
        let lf = read_all("a,b\n1,2\n3,4", b',');
        let crlf = read_all("a,b\r\n1,2\r\n3,4\r\n", b',');
        let cr = read_all("a,b\r1,2\r3,4\r", b',');
        assert_eq!(lf, crlf);
        assert_eq!(lf, cr);
        assert_eq!(lf[2].0, 3);
    }

    #[test]
    fn blank_lines_still_count_toward_line_numbers() {
        let rows = read_all("a,b\n\n\n1,2\n", b',');
        assert_eq!(rows[1].0, 4);
    }

    #[test]
    fn delimiter_is_sniffed_past_title_lines() {
        let text = b"Report, exported 2026\nnote_id;views;likes\n1;2;3\n4;5;6\n";
        assert_eq!(sniff_delimiter(text), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a|b\n1|2\n"), b'|');
        assert_eq!(sniff_delimiter(b"a,b\n\"1,5\",2\n"), b',');
    }

    #[test]
    fn encodings_are_detected_from_bom_and_content() {
        assert_eq!(decode(b"a,b").unwrap().1, Encoding::Utf8);
        assert_eq!(
            decode(b"\xEF\xBB\xBFa,b").unwrap(),
            (Cow::Borrowed(&b"a,b"[..]), Encoding::Utf8Bom)
        );
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("曝光,1".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(
            decode(&le).unwrap(),
            (Cow::Owned("曝光,1".as_bytes().to_vec()), Encoding::Utf16Le)
        );
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("x,y".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(&be).unwrap().1, Encoding::Utf16Be);
    }

    #[test]
    fn non_tables_get_one_clear_reason() {
        assert_eq!(decode(b""), Err(ReadError::Empty));
        assert_eq!(decode(b"  \n\n"), Err(ReadError::Empty));
        assert_eq!(decode(b"%PDF-1.7 ..."), Err(ReadError::Pdf));
        assert_eq!(decode(b"PK\x03\x04...."), Err(ReadError::Zip));
        assert_eq!(decode(b"\x7fELF\x00\x00"), Err(ReadError::Binary));
    }
}
