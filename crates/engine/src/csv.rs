//! Turning a file's bytes into records: encoding, delimiter, quoting, lines.
//!
//! Everything here streams: bytes arrive in chunks of any size (a browser
//! reads a 1 GB file in slices), a [`Decoder`] turns them into UTF-8 and a
//! [`RecordReader`] (on `csv-core`, no allocation per field) hands out
//! complete records with the line each starts on. Fields are `&str` slices
//! into one reused buffer.

use std::borrow::Cow;

mod scan;

pub(crate) use scan::ascii_text;

use serde::Serialize;

/// Why a file could not be read as a table at all. Each is one sentence for
/// the user; the caller names the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("the file is empty")]
    Empty,
    #[error("this is a PDF document, not a table: export the report as CSV or Excel instead")]
    Pdf,
    #[error("this looks like a binary file, not a table of text")]
    Binary,
    #[error("this is a zip archive, not a table or an Excel workbook")]
    Zip,
    #[error("this is a legacy Excel workbook (.xls): save it as .xlsx or CSV")]
    Xls,
    #[error("the Excel workbook is damaged and could not be read")]
    DamagedWorkbook,
    #[error("the text encoding is not recognised (expected UTF-8, UTF-16 or GB18030)")]
    UnknownEncoding,
    #[error("no header row was found")]
    NoHeader,
}

impl ReadError {
    /// Every reason, in a fixed order: its index is the code the import
    /// worker sends to the page.
    pub const ALL: [ReadError; 8] = [
        ReadError::Empty,
        ReadError::Pdf,
        ReadError::Binary,
        ReadError::Zip,
        ReadError::UnknownEncoding,
        ReadError::NoHeader,
        ReadError::Xls,
        ReadError::DamagedWorkbook,
    ];
}

/// The text encodings the reader detects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Encoding {
    #[serde(rename = "UTF-8")]
    Utf8,
    #[serde(rename = "UTF-8 with BOM")]
    Utf8Bom,
    #[serde(rename = "UTF-16LE")]
    Utf16Le,
    #[serde(rename = "UTF-16BE")]
    Utf16Be,
    /// Excel on Chinese Windows; GBK is a subset.
    #[serde(rename = "GB18030")]
    Gb18030,
}

impl Encoding {
    pub const ALL: [Encoding; 5] = [
        Encoding::Utf8,
        Encoding::Utf8Bom,
        Encoding::Utf16Le,
        Encoding::Utf16Be,
        Encoding::Gb18030,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Gb18030 => "GB18030",
        }
    }

    pub fn from_name(name: &str) -> Option<Encoding> {
        let key = name.to_ascii_lowercase().replace(['-', '_', ' '], "");
        match key.as_str() {
            "utf8" => Some(Encoding::Utf8),
            "utf8withbom" | "utf8bom" => Some(Encoding::Utf8Bom),
            "utf16le" | "utf16" => Some(Encoding::Utf16Le),
            "utf16be" => Some(Encoding::Utf16Be),
            "gb18030" | "gbk" | "gb2312" => Some(Encoding::Gb18030),
            _ => None,
        }
    }

    /// Length of the byte-order mark this encoding's files start with.
    pub fn bom_len(self) -> usize {
        match self {
            Encoding::Utf8Bom => 3,
            Encoding::Utf16Le | Encoding::Utf16Be => 2,
            Encoding::Utf8 | Encoding::Gb18030 => 0,
        }
    }
}

/// Detects the encoding from the first bytes of a file (any length; 64 KiB
/// is plenty), or says why this is not a text table.
pub fn detect_encoding(head: &[u8]) -> Result<Encoding, ReadError> {
    if head.is_empty() {
        return Err(ReadError::Empty);
    }
    if head.starts_with(b"\xEF\xBB\xBF") {
        return non_blank(&head[3..]).map(|_| Encoding::Utf8Bom);
    }
    if head.starts_with(b"\xFF\xFE") {
        return Ok(Encoding::Utf16Le);
    }
    if head.starts_with(b"\xFE\xFF") {
        return Ok(Encoding::Utf16Be);
    }
    if head.starts_with(b"%PDF") {
        return Err(ReadError::Pdf);
    }
    // A zip here is not a workbook (those are opened before sniffing).
    if head.starts_with(b"PK\x03\x04") {
        return Err(ReadError::Zip);
    }
    if head.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Err(ReadError::Xls);
    }
    if head[..head.len().min(4096)].contains(&0) {
        return Err(ReadError::Binary);
    }
    non_blank(head)?;
    match std::str::from_utf8(head) {
        Ok(_) => Ok(Encoding::Utf8),
        // A multi-byte character cut by the end of the sample is still UTF-8.
        Err(e) if e.error_len().is_none() => Ok(Encoding::Utf8),
        // Mostly UTF-8 with a stray byte or two (a Windows-1252 'é' pasted
        // in): still UTF-8. GB18030 text almost never forms valid UTF-8
        // multi-byte characters, so their presence decides.
        Err(_) if mostly_utf8(head) => Ok(Encoding::Utf8),
        Err(_) if is_gb18030(head) => Ok(Encoding::Gb18030),
        Err(_) => Err(ReadError::UnknownEncoding),
    }
}

/// True when valid UTF-8 multi-byte characters outnumber invalid
/// sequences at least four to one.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut valid, mut invalid) = (0usize, 0usize);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                valid += text.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                valid += std::str::from_utf8(good)
                    .map_or(0, |t| t.chars().filter(|c| !c.is_ascii()).count());
                match e.error_len() {
                    Some(n) => {
                        invalid += 1;
                        rest = &bad[n..];
                    }
                    None => break,
                }
            }
        }
    }
    valid >= 4 * invalid.max(1)
}

fn non_blank(bytes: &[u8]) -> Result<(), ReadError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        Err(ReadError::Empty)
    } else {
        Ok(())
    }
}

/// True when every byte sequence is well formed GB18030 (structure only: one
/// byte ASCII; two bytes 81–FE then 40–7E or 80–FE; four bytes 81–FE, 30–39,
/// 81–FE, 30–39). A sequence cut by the end of the sample is allowed.
pub fn is_gb18030(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        if !(0x81..=0xFE).contains(&b) {
            return false;
        }
        let Some(&second) = bytes.get(i + 1) else {
            return true;
        };
        if (0x40..=0x7E).contains(&second) || (0x80..=0xFE).contains(&second) {
            i += 2;
        } else if (0x30..=0x39).contains(&second) {
            match (bytes.get(i + 2), bytes.get(i + 3)) {
                (Some(third), Some(fourth)) => {
                    if !(0x81..=0xFE).contains(third) || !(0x30..=0x39).contains(fourth) {
                        return false;
                    }
                    i += 4;
                }
                _ => return true,
            }
        } else {
            return false;
        }
    }
    true
}

/// The length of the start of `bytes` that ends on a character boundary
/// when `bytes` is UTF-8: all of it, or up to a character its last one to
/// three bytes begin but do not finish.
pub(crate) fn utf8_whole_characters(bytes: &[u8]) -> usize {
    let len = bytes.len();
    for back in 1..=len.min(4) {
        let byte = bytes[len - back];
        if byte & 0xC0 != 0x80 {
            // The last byte that is not a continuation byte: a character's
            // first, and how long that character is.
            let length = match byte {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xFF => 4,
                _ => 1,
            };
            return if length > back { len - back } else { len };
        }
    }
    len
}

/// Turns a stream of bytes in one encoding into UTF-8, chunk by chunk. A
/// character split across two chunks is carried over, never broken.
pub struct Decoder {
    encoding: Encoding,
    /// Bytes of the byte-order mark still to skip.
    bom_left: usize,
    carry: Vec<u8>,
    /// Malformed sequences replaced with U+FFFD (or, for a stray byte at the
    /// very end, dropped) so far.
    pub replaced: u64,
    #[cfg(feature = "gb18030")]
    gb18030: Option<encoding_rs::Decoder>,
}

impl Decoder {
    pub fn new(encoding: Encoding) -> Decoder {
        Decoder {
            encoding,
            bom_left: encoding.bom_len(),
            carry: Vec::new(),
            replaced: 0,
            #[cfg(feature = "gb18030")]
            gb18030: (encoding == Encoding::Gb18030)
                .then(|| encoding_rs::GB18030.new_decoder_without_bom_handling()),
        }
    }

    /// True when this build can decode the encoding itself. Without the
    /// `gb18030` feature (the web build, which uses the browser's
    /// `TextDecoder` instead of shipping the tables) GB18030 cannot.
    pub fn supported(encoding: Encoding) -> bool {
        encoding != Encoding::Gb18030 || cfg!(feature = "gb18030")
    }

    /// True when nothing is carried over from the previous chunk.
    pub fn is_idle(&self) -> bool {
        self.carry.is_empty() && self.bom_left == 0
    }

    /// Appends the UTF-8 text of `bytes` to `out`. `last` flushes what is
    /// carried; malformed sequences become U+FFFD.
    pub fn decode(&mut self, mut bytes: &[u8], last: bool, out: &mut Vec<u8>) {
        if self.bom_left > 0 {
            let skip = self.bom_left.min(bytes.len());
            self.bom_left -= skip;
            bytes = &bytes[skip..];
        }
        match self.encoding {
            Encoding::Utf8 | Encoding::Utf8Bom => self.decode_utf8(bytes, last, out),
            Encoding::Utf16Le => self.decode_utf16(bytes, last, out, u16::from_le_bytes),
            Encoding::Utf16Be => self.decode_utf16(bytes, last, out, u16::from_be_bytes),
            Encoding::Gb18030 => self.decode_gb18030(bytes, last, out),
        }
    }

    fn decode_utf8(&mut self, bytes: &[u8], last: bool, out: &mut Vec<u8>) {
        let joined;
        let input: &[u8] = if self.carry.is_empty() {
            bytes
        } else {
            self.carry.extend_from_slice(bytes);
            joined = std::mem::take(&mut self.carry);
            &joined
        };
        let mut rest = input;
        loop {
            match std::str::from_utf8(rest) {
                Ok(_) => {
                    out.extend_from_slice(rest);
                    return;
                }
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    out.extend_from_slice(good);
                    match e.error_len() {
                        Some(n) => {
                            out.extend_from_slice("\u{FFFD}".as_bytes());
                            self.replaced += 1;
                            rest = &bad[n..];
                        }
                        None if last => {
                            out.extend_from_slice("\u{FFFD}".as_bytes());
                            self.replaced += 1;
                            return;
                        }
                        None => {
                            self.carry.extend_from_slice(bad);
                            return;
                        }
                    }
                }
            }
        }
    }

    fn decode_utf16(
        &mut self,
        bytes: &[u8],
        last: bool,
        out: &mut Vec<u8>,
        unit: fn([u8; 2]) -> u16,
    ) {
        self.carry.extend_from_slice(bytes);
        let whole = self.carry.len() / 2 * 2;
        let mut units: Vec<u16> = self.carry[..whole]
            .chunks_exact(2)
            .map(|p| unit([p[0], p[1]]))
            .collect();
        // Keep a lone high surrogate at the end for the next chunk.
        let mut keep = self.carry[whole..].to_vec();
        if !last {
            if let Some(&u) = units.last() {
                if (0xD800..0xDC00).contains(&u) {
                    units.pop();
                    let mut tail = unit_bytes(u, unit);
                    tail.extend_from_slice(&keep);
                    keep = tail;
                }
            }
        }
        let mut buffer = [0u8; 4];
        for c in char::decode_utf16(units) {
            let c = c.unwrap_or_else(|_| {
                self.replaced += 1;
                char::REPLACEMENT_CHARACTER
            });
            out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
        }
        if last && !keep.is_empty() {
            // Half a character after the last line: dropped, not a row.
            self.replaced += 1;
            keep.clear();
        }
        self.carry = keep;
    }

    #[cfg(feature = "gb18030")]
    fn decode_gb18030(&mut self, bytes: &[u8], last: bool, out: &mut Vec<u8>) {
        let decoder = self.gb18030.as_mut().expect("a GB18030 decoder");
        let start = out.len();
        out.resize(
            start
                + decoder
                    .max_utf8_buffer_length(bytes.len())
                    .unwrap_or(bytes.len() * 3 + 16),
            0,
        );
        let (_, _, written, had_errors) = decoder.decode_to_utf8(bytes, &mut out[start..], last);
        if had_errors {
            self.replaced += 1;
        }
        out.truncate(start + written);
    }

    #[cfg(not(feature = "gb18030"))]
    fn decode_gb18030(&mut self, _bytes: &[u8], _last: bool, _out: &mut Vec<u8>) {
        panic!("this build cannot decode GB18030; decode it before feeding (Decoder::supported)");
    }
}

fn unit_bytes(u: u16, unit: fn([u8; 2]) -> u16) -> Vec<u8> {
    // Re-encode in the same byte order the unit was read with.
    if unit([0x12, 0x34]) == 0x3412 {
        u.to_le_bytes().to_vec()
    } else {
        u.to_be_bytes().to_vec()
    }
}

/// Decodes a whole buffer (tests, small files).
pub fn decode_all(bytes: &[u8], encoding: Encoding) -> Cow<'_, [u8]> {
    if encoding == Encoding::Utf8 && std::str::from_utf8(bytes).is_ok() {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    Decoder::new(encoding).decode(bytes, true, &mut out);
    Cow::Owned(out)
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
        let mut tally = std::collections::HashMap::new();
        for count in lines
            .iter()
            .map(|l| count_outside_quotes(l, delimiter))
            .filter(|&c| c > 0)
        {
            *tally.entry(count).or_insert(0usize) += 1;
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

/// The line terminator to count lines by: `\n` unless the text has only `\r`.
pub fn newline_of(sample: &[u8]) -> u8 {
    if sample.contains(&b'\n') || !sample.contains(&b'\r') {
        b'\n'
    } else {
        b'\r'
    }
}

/// Splits UTF-8 text arriving in chunks into records.
///
/// Two ways through a record. A record whose fields are plain or simply
/// quoted (no doubled quote, no line break inside quotes), wholly inside
/// the chunk, is read in place: `scan` finds its delimiters and line end
/// and the fields are slices of the chunk. Anything else (a doubled quote,
/// a quoted line break, a record cut by the end of the chunk, bytes that
/// are not UTF-8, the file's first record) goes through `csv-core`, which
/// copies the unquoted fields into a buffer. Both give the same records.
pub struct RecordReader {
    reader: csv_core::Reader,
    delimiter: u8,
    newline: u8,
    /// 1 + newlines consumed so far.
    line: u64,
    /// Line of the record being read.
    record_line: u64,
    /// True between records (where blank lines are skipped).
    between: bool,
    /// Quote characters in the record being read (odd: a quote is open).
    quotes: usize,
    /// Line where a quote was left open at the end of the input.
    pub unterminated_quote: Option<u64>,
    output: Vec<u8>,
    out_len: usize,
    ends: Vec<usize>,
    ends_len: usize,
    /// Each field's byte range in the record's text.
    spans: Vec<(usize, usize)>,
    /// True once `csv-core` has read the first record (and dropped a
    /// UTF-8 byte-order mark in front of it): the fast path may run.
    fast: bool,
    /// False only in tests that compare the two paths.
    fast_enabled: bool,
    done: bool,
}

impl RecordReader {
    pub fn new(delimiter: u8, newline: u8) -> RecordReader {
        RecordReader {
            reader: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            delimiter,
            newline,
            line: 1,
            record_line: 1,
            between: true,
            quotes: 0,
            unterminated_quote: None,
            output: vec![0; 4096],
            out_len: 0,
            ends: vec![0; 64],
            ends_len: 0,
            spans: Vec::with_capacity(64),
            fast: false,
            fast_enabled: true,
            done: false,
        }
    }

    /// The line the reader has reached.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Reads every record completed by `input`, calling `on_record` for each.
    /// A record cut at the end of `input` is finished by the next call.
    pub fn feed(&mut self, input: &[u8], on_record: &mut dyn FnMut(&Record<'_>)) {
        let valid = match std::str::from_utf8(input) {
            Ok(text) => text,
            Err(e) => std::str::from_utf8(&input[..e.valid_up_to()]).unwrap_or_default(),
        };
        self.read(input, valid, on_record);
    }

    /// [`Self::feed`] for input already known to be UTF-8.
    pub fn feed_str<F: FnMut(&Record<'_>) + ?Sized>(&mut self, input: &str, on_record: &mut F) {
        self.read(input.as_bytes(), input, on_record);
    }

    /// `valid` is the longest prefix of `input` that is UTF-8.
    fn read<F: FnMut(&Record<'_>) + ?Sized>(
        &mut self,
        mut input: &[u8],
        valid: &str,
        on_record: &mut F,
    ) {
        use csv_core::ReadRecordResult as R;
        let mut offset = 0;
        while !input.is_empty() {
            if self.between {
                // Blank lines between records: skip them, but count them.
                let skip = input
                    .iter()
                    .position(|&b| b != b'\n' && b != b'\r')
                    .unwrap_or(input.len());
                self.line += count_byte(&input[..skip], self.newline);
                input = &input[skip..];
                offset += skip;
                if input.is_empty() {
                    return;
                }
                if self.fast && offset < valid.len() {
                    let used = self.read_fast(&valid[offset..], on_record);
                    input = &input[used..];
                    offset += used;
                    if input.is_empty() {
                        return;
                    }
                }
                // The next record needs csv-core.
                self.between = false;
                self.record_line = self.line;
            }
            let (result, read, written, ended) = self.reader.read_record(
                input,
                &mut self.output[self.out_len..],
                &mut self.ends[self.ends_len..],
            );
            self.fast = self.fast_enabled;
            self.line += count_byte(&input[..read], self.newline);
            // Quote parity only matters for a record still open at the end of
            // the input, so only bytes of records left open are counted.
            if !matches!(result, R::Record) {
                self.quotes += count_byte(&input[..read], b'"') as usize;
            }
            input = &input[read..];
            offset += read;
            self.out_len += written;
            self.ends_len += ended;
            match result {
                R::InputEmpty => {}
                R::OutputFull => self.output.resize(self.output.len() * 2, 0),
                R::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                R::Record => self.emit(on_record),
                R::End => return,
            }
        }
    }

    /// Reads the records at the start of `text` (which starts a record)
    /// that need no unescaping, until one that does or one the text does
    /// not finish. Returns the bytes consumed: up to that record's start
    /// (blank lines before it counted), or all of `text`.
    fn read_fast<F: FnMut(&Record<'_>) + ?Sized>(
        &mut self,
        text: &str,
        on_record: &mut F,
    ) -> usize {
        let bytes = text.as_bytes();
        let delimiter = self.delimiter;
        let mut scan = scan::Structural::new(bytes, delimiter);
        let mut start = 0;
        loop {
            // `start` is a record's first byte (never a line end).
            let mut spans = std::mem::take(&mut self.spans);
            spans.clear();
            let mut field = start;
            let end = loop {
                let Some(at) = scan.next() else {
                    self.spans = spans;
                    return start;
                };
                let b = bytes[at];
                if b == delimiter {
                    spans.push((field - start, at - start));
                    field = at + 1;
                } else if b == b'\n' || b == b'\r' {
                    spans.push((field - start, at - start));
                    break at;
                } else if at == field {
                    // A quoted field: its closing quote must be followed by
                    // a delimiter or a line end (else: csv-core).
                    let close = loop {
                        match scan.next() {
                            Some(q) if bytes[q] == b'"' => break Some(q),
                            Some(q) if bytes[q] == b'\n' || bytes[q] == b'\r' => break None,
                            Some(_) => {}
                            None => break None,
                        }
                    };
                    let Some(close) = close else {
                        self.spans = spans;
                        return start;
                    };
                    match bytes.get(close + 1) {
                        Some(&d) if d == delimiter => {
                            spans.push((field + 1 - start, close - start));
                            scan.next();
                            field = close + 2;
                        }
                        Some(b'\n' | b'\r') => {
                            spans.push((field + 1 - start, close - start));
                            scan.next();
                            break close + 1;
                        }
                        _ => {
                            self.spans = spans;
                            return start;
                        }
                    }
                } else {
                    // A quote inside an unquoted field.
                    self.spans = spans;
                    return start;
                }
            };
            on_record(&Record {
                line: self.line,
                // Both ends are ASCII positions of a `str`, as are the spans.
                text: &text[start..end],
                spans: &spans,
            });
            self.spans = spans;
            // Line ends and blank lines up to the next record.
            start = end;
            while let Some(&b) = bytes.get(start) {
                if b != b'\n' && b != b'\r' {
                    break;
                }
                self.line += u64::from(b == self.newline);
                start += 1;
            }
            if start == bytes.len() {
                return start;
            }
            scan.skip_to(start);
        }
    }

    /// Ends the input: emits a last record that had no line terminator.
    pub fn finish(&mut self, on_record: &mut dyn FnMut(&Record<'_>)) {
        use csv_core::ReadRecordResult as R;
        if !self.between && self.quotes % 2 == 1 {
            self.unterminated_quote = Some(self.record_line);
        }
        while !self.done {
            let (result, _, written, ended) = self.reader.read_record(
                &[],
                &mut self.output[self.out_len..],
                &mut self.ends[self.ends_len..],
            );
            self.out_len += written;
            self.ends_len += ended;
            match result {
                R::Record => self.emit(on_record),
                R::OutputFull => self.output.resize(self.output.len() * 2, 0),
                R::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                R::End | R::InputEmpty => self.done = true,
            }
        }
    }

    fn emit<F: FnMut(&Record<'_>) + ?Sized>(&mut self, on_record: &mut F) {
        let bytes = &self.output[..self.out_len];
        let ends = &self.ends[..self.ends_len];
        self.spans.clear();
        // One validation per record; fields are then slices of it. csv-core
        // only removes ASCII bytes, so decoded UTF-8 stays valid; the lossy
        // branch is for callers that feed raw bytes.
        // A field end inside a character (a multi-byte character split by a
        // delimiter in bytes that were not UTF-8) takes the lossy branch.
        match std::str::from_utf8(bytes) {
            Ok(text) if ends.iter().all(|&end| text.is_char_boundary(end)) => {
                let mut start = 0;
                for &end in ends {
                    self.spans.push((start, end));
                    start = end;
                }
                on_record(&Record {
                    line: self.record_line,
                    text,
                    spans: &self.spans,
                });
            }
            _ => {
                // Replacement characters move the field boundaries: each
                // field is converted on its own.
                let mut joined = String::new();
                let mut start = 0;
                for &end in ends {
                    let from = joined.len();
                    joined.push_str(&String::from_utf8_lossy(&bytes[start..end]));
                    self.spans.push((from, joined.len()));
                    start = end;
                }
                on_record(&Record {
                    line: self.record_line,
                    text: &joined,
                    spans: &self.spans,
                });
            }
        }
        self.out_len = 0;
        self.ends_len = 0;
        self.quotes = 0;
        self.between = true;
    }
}

fn count_byte(bytes: &[u8], needle: u8) -> u64 {
    bytes.iter().filter(|&&b| b == needle).count() as u64
}

/// Reads all records of a UTF-8 text at once as owned strings (samples, tests).
pub fn read_records(text: &[u8], delimiter: u8, limit: usize) -> Vec<(u64, Vec<String>)> {
    let mut reader = RecordReader::new(delimiter, newline_of(text));
    let mut out = Vec::new();
    let mut take = |r: &Record<'_>| {
        if out.len() < limit {
            out.push((r.line, r.iter().map(String::from).collect()));
        }
    };
    reader.feed(text, &mut take);
    reader.finish(&mut take);
    out
}

/// One record: its fields and the line it starts on.
pub struct Record<'r> {
    pub line: u64,
    text: &'r str,
    /// Each field's byte range in `text`. Both ends are character
    /// boundaries of `text` (what makes [`Record::get`] sound).
    spans: &'r [(usize, usize)],
}

impl<'r> Record<'r> {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The record's text: every field, perhaps with delimiters and quotes
    /// between them (look at fields with [`Record::get`]).
    pub fn text(&self) -> &'r str {
        self.text
    }

    /// Field `i` as text (invalid UTF-8 was replaced with U+FFFD, never dropped).
    #[inline]
    pub fn get(&self, i: usize) -> Option<&'r str> {
        let &(start, end) = self.spans.get(i)?;
        debug_assert!(self.text.get(start..end).is_some());
        // SAFETY: every span lies inside `text` with both ends on character
        // boundaries: the in-place reader cuts only at ASCII delimiters,
        // quotes and line ends of a `str`, and `emit` checks csv-core's field
        // ends (see `Record::spans`). Every cell of a file is read here, and
        // the checked `get` cost 4% of an import's instructions.
        Some(unsafe { self.text.get_unchecked(start..end) })
    }

    /// This record rebuilt as its fields joined by commas, whichever way
    /// the file quoted them (so the result does not depend on how the
    /// record was read), with field `i` and the next read as one field for
    /// each `i` in `joins` (ascending, in this record's numbering; `i` and
    /// `i + 1` both listed join three), and the fields `blank` (in the new
    /// numbering) empty. `text` and `spans` hold the new record; the byte
    /// range of the blanked fields in `text` (`8,382,838`) comes with it.
    pub fn with_joined<'b>(
        &self,
        joins: &[usize],
        blank: std::ops::Range<usize>,
        text: &'b mut String,
        spans: &'b mut Vec<(usize, usize)>,
    ) -> (Record<'b>, (usize, usize)) {
        text.clear();
        spans.clear();
        // Room made once: growing from nothing cost more than the rest.
        text.reserve(self.text.len() + self.len());
        spans.reserve(self.len());
        // Fields that follow each other with one comma between them (none
        // quoted: the usual row) are that already, copied in one piece.
        let from = self.spans.first().map_or(0, |&(start, _)| start);
        let in_one_piece = self
            .spans
            .windows(2)
            .all(|pair| pair[0].1 + 1 == pair[1].0 && self.text.as_bytes()[pair[0].1] == b',');
        if in_one_piece {
            let to = self.spans.last().map_or(from, |&(_, end)| end);
            text.push_str(&self.text[from..to]);
        }
        let mut joins = joins.iter().peekable();
        for i in 0..self.len() {
            let (start, end) = if in_one_piece {
                let (start, end) = self.spans[i];
                (start - from, end - from)
            } else {
                if i > 0 {
                    text.push(',');
                }
                let start = text.len();
                text.push_str(self.get(i).unwrap_or_default());
                (start, text.len())
            };
            match spans.last_mut() {
                // Field `i` joins the one before it, the comma between kept.
                Some(last) if i > 0 && joins.next_if_eq(&&(i - 1)).is_some() => last.1 = end,
                _ => spans.push((start, end)),
            }
        }
        let blanked = match (spans.get(blank.start), blank.end.checked_sub(1)) {
            (Some(&(start, _)), Some(last)) if !blank.is_empty() => {
                (start, spans.get(last).map_or(start, |&(_, end)| end))
            }
            _ => (0, 0),
        };
        for span in spans.get_mut(blank).unwrap_or_default() {
            span.1 = span.0;
        }
        // Every span starts and ends on a character boundary, as `get`
        // needs: where a whole `str` was appended to `text`, or (copied in
        // one piece) where this record's own spans do.
        let record = Record {
            line: self.line,
            text,
            spans,
        };
        (record, blanked)
    }

    pub fn iter(&self) -> impl Iterator<Item = &'r str> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or_default())
    }

    /// True when every field is blank (a spacer line from a spreadsheet).
    pub fn is_blank(&self) -> bool {
        self.iter()
            .all(|field| field.bytes().all(|b| b.is_ascii_whitespace()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &str, delimiter: u8) -> Vec<(u64, Vec<String>)> {
        read_records(text.as_bytes(), delimiter, usize::MAX)
    }

    #[test]
    fn a_character_cut_at_the_end_is_left_for_the_next_chunk() {
        let text = "a,中".as_bytes(); // 中 is E4 B8 AD
        assert_eq!(utf8_whole_characters(text), 5);
        assert_eq!(utf8_whole_characters(&text[..4]), 2);
        assert_eq!(utf8_whole_characters(&text[..3]), 2);
        assert_eq!(utf8_whole_characters(&text[..2]), 2);
        assert_eq!(utf8_whole_characters("😀".as_bytes()), 4);
        assert_eq!(utf8_whole_characters(&"😀".as_bytes()[..3]), 0);
        assert_eq!(utf8_whole_characters(b""), 0);
        // Not UTF-8 (a stray continuation byte): left whole, for the
        // validation to reject.
        assert_eq!(utf8_whole_characters(b"a\xB8"), 2);
    }

    #[test]
    fn a_delimiter_between_halves_of_a_character_keeps_the_fields_apart() {
        // E4 B8 AD is 中: cut by a comma, neither field is text, though the
        // record without its commas is.
        let rows = read_chunked(b"a,\xE4,\xB8\xAD\n", b',', usize::MAX);
        assert_eq!(
            rows,
            [(
                1,
                vec![
                    "a".to_string(),
                    "\u{FFFD}".into(),
                    "\u{FFFD}\u{FFFD}".into()
                ]
            )]
        );
    }

    /// Feeds `text` in chunks of `size` bytes.
    fn read_chunked(text: &[u8], delimiter: u8, size: usize) -> Vec<(u64, Vec<String>)> {
        read_with(text, delimiter, size, true)
    }

    /// Records as csv-core alone reads them (no fast path).
    fn read_slow(text: &[u8], delimiter: u8, size: usize) -> Vec<(u64, Vec<String>)> {
        read_with(text, delimiter, size, false)
    }

    fn read_with(text: &[u8], delimiter: u8, size: usize, fast: bool) -> Vec<(u64, Vec<String>)> {
        let mut reader = RecordReader::new(delimiter, newline_of(text));
        reader.fast_enabled = fast;
        let mut out = Vec::new();
        let mut take = |r: &Record<'_>| out.push((r.line, r.iter().map(String::from).collect()));
        for chunk in text.chunks(size) {
            reader.feed(chunk, &mut take);
        }
        reader.finish(&mut take);
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            failure_persistence: None,
            ..proptest::test_runner::Config::default()
        })]

        /// The fast path and csv-core agree on every record and line, for
        /// any mix of quotes, delimiters, line ends and broken bytes, fed
        /// in any chunk size.
        #[test]
        fn the_fast_path_reads_what_csv_core_reads(
            tokens in proptest::collection::vec(proptest::sample::select(vec![
                "a", "bc", "12", " ", ",", ",", ";", "\"", "\"\"", "\n", "\n", "\r\n", "\r",
                "\u{FEFF}", "春", "\u{FFFD}", "\t",
            ]), 0..200),
            raw in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..8),
            size in 1usize..300,
            delimiter in proptest::sample::select(vec![b',', b';', b'\t']),
        ) {
            let mut text = tokens.concat().into_bytes();
            // A few broken bytes somewhere in the middle.
            let at = text.len() / 2;
            text.splice(at..at, raw);
            // (csv-core drops a byte-order mark only when it arrives whole,
            // so the comparison is per chunk size.)
            let all = text.len().max(1);
            proptest::prop_assert_eq!(read_chunked(&text, delimiter, all), read_slow(&text, delimiter, all));
            proptest::prop_assert_eq!(read_chunked(&text, delimiter, size), read_slow(&text, delimiter, size));
        }
    }

    #[test]
    fn long_files_of_plain_and_quoted_records_read_alike() {
        let mut text = String::from("\u{FEFF}id,name,note\r\n");
        for i in 0..3000 {
            match i % 7 {
                0 => text.push_str(&format!("{i},\"x, {i}\",plain\r\n")),
                1 => text.push_str(&format!("{i},\"say \"\"hi\"\"\",\"\"\n")),
                2 => text.push_str(&format!("{i},\"two\nlines\",z\r\n\r\n")),
                3 => text.push_str(&format!("{i},春天,\r")),
                _ => text.push_str(&format!("{i},name{i},note{i}\n")),
            }
        }
        for size in [1, 7, 63, 64, 65, 1000, 8192, text.len()] {
            assert_eq!(
                read_chunked(text.as_bytes(), b',', size),
                read_slow(text.as_bytes(), b',', size),
                "chunk size {size}"
            );
        }
        let whole = read_chunked(text.as_bytes(), b',', text.len());
        assert_eq!(whole[0].1, vec!["id", "name", "note"]);
        assert_eq!(whole.len(), 3001);
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
        let rows = read_all("a,b\r\n\r\n1,2\r\n", b',');
        assert_eq!(rows[1].0, 3);
    }

    #[test]
    fn chunk_boundaries_anywhere_give_the_same_records() {
        let text = "note,views\r\n\"a, \"\"quoted\"\"\nvalue\",1\r\n\r\nb,2\r\nc,3";
        let whole = read_all(text, b',');
        for size in 1..text.len() {
            assert_eq!(
                read_chunked(text.as_bytes(), b',', size),
                whole,
                "chunk size {size}"
            );
        }
    }

    #[test]
    fn delimiter_is_sniffed_past_title_lines() {
        let text = b"Report, exported 2026\nnote_id;views;likes\n1;2;3\n4;5;6\n";
        assert_eq!(sniff_delimiter(text), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a|b\n1|2\n"), b'|');
        assert_eq!(sniff_delimiter(b"a,b\n\"1,5\",2\n"), b',');
    }

    fn utf16(text: &str, le: bool) -> Vec<u8> {
        let bom: [u8; 2] = if le { [0xFF, 0xFE] } else { [0xFE, 0xFF] };
        bom.into_iter()
            .chain(
                text.encode_utf16()
                    .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() }),
            )
            .collect()
    }

    #[test]
    fn encodings_are_detected_from_bom_and_content() {
        assert_eq!(detect_encoding(b"a,b"), Ok(Encoding::Utf8));
        assert_eq!(detect_encoding(b"\xEF\xBB\xBFa,b"), Ok(Encoding::Utf8Bom));
        assert_eq!(
            detect_encoding(&utf16("曝光,1", true)),
            Ok(Encoding::Utf16Le)
        );
        assert_eq!(detect_encoding(&utf16("x,y", false)), Ok(Encoding::Utf16Be));
        // 曝光 in GBK: C6 D8 B9 E2.
        assert_eq!(
            detect_encoding(b"\xC6\xD8\xB9\xE2,1\n"),
            Ok(Encoding::Gb18030)
        );
        // A UTF-8 character cut by the end of a sample is still UTF-8.
        assert_eq!(detect_encoding(&"a,曝".as_bytes()[..4]), Ok(Encoding::Utf8));
    }

    #[test]
    fn bytes_that_are_neither_utf8_nor_gb18030_are_refused() {
        assert_eq!(
            detect_encoding(b"a,\xFF\xFF\n"),
            Err(ReadError::UnknownEncoding)
        );
    }

    #[test]
    fn utf16_decodes_across_any_chunk_boundary() {
        let text = "笔记,曝光\n😀 note,1\n";
        for le in [true, false] {
            let bytes = utf16(text, le);
            for size in 1..bytes.len() {
                let mut decoder = Decoder::new(if le {
                    Encoding::Utf16Le
                } else {
                    Encoding::Utf16Be
                });
                let mut out = Vec::new();
                for chunk in bytes.chunks(size) {
                    decoder.decode(chunk, false, &mut out);
                }
                decoder.decode(&[], true, &mut out);
                assert_eq!(String::from_utf8(out).unwrap(), text, "le={le} size={size}");
            }
        }
    }

    #[test]
    fn utf8_with_bom_decodes_across_any_chunk_boundary() {
        let text = "\u{FEFF}笔记,曝光\n";
        let bytes = text.as_bytes();
        for size in 1..bytes.len() {
            let mut decoder = Decoder::new(Encoding::Utf8Bom);
            let mut out = Vec::new();
            for chunk in bytes.chunks(size) {
                decoder.decode(chunk, false, &mut out);
            }
            decoder.decode(&[], true, &mut out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                "笔记,曝光\n",
                "size={size}"
            );
        }
    }

    #[cfg(feature = "gb18030")]
    #[test]
    fn gb18030_decodes_across_any_chunk_boundary() {
        let bytes = b"\xB1\xCA\xBC\xC7,\xC6\xD8\xB9\xE2\n";
        for size in 1..bytes.len() {
            let mut decoder = Decoder::new(Encoding::Gb18030);
            let mut out = Vec::new();
            for chunk in bytes.chunks(size) {
                decoder.decode(chunk, false, &mut out);
            }
            decoder.decode(&[], true, &mut out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                "笔记,曝光\n",
                "size={size}"
            );
        }
    }

    #[test]
    fn invalid_utf8_is_replaced_not_dropped() {
        assert_eq!(
            &*decode_all(b"a\xFFb", Encoding::Utf8),
            "a\u{FFFD}b".as_bytes()
        );
    }

    #[test]
    fn non_tables_get_one_clear_reason() {
        assert_eq!(detect_encoding(b""), Err(ReadError::Empty));
        assert_eq!(detect_encoding(b"  \n\n"), Err(ReadError::Empty));
        assert_eq!(detect_encoding(b"%PDF-1.7 ..."), Err(ReadError::Pdf));
        assert_eq!(detect_encoding(b"PK\x03\x04...."), Err(ReadError::Zip));
        assert_eq!(detect_encoding(b"\x7fELF\x00\x00"), Err(ReadError::Binary));
    }
}
