//! Columnar tables: one typed column per canonical field, no per-row strings.
//!
//! Text is dictionary-encoded (a `u32` code per row), numbers are `f64` with
//! NaN for "missing", times are `i64` seconds with [`MISSING_TIME`]. That keeps
//! a touchpoint row near 30 bytes, which is what lets a browser tab hold
//! millions of them.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FxHash (from rustc): a multiply-rotate hash, several times faster than
/// SipHash on the short keys of a dictionary column. Keys come from the
/// user's own file, so hash flooding is not a concern.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn write_u8(&mut self, b: u8) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub type FxBuild = BuildHasherDefault<FxHasher>;

use crate::schema::{FieldType, Kind};

mod codes;
mod dictionary;
use codes::Codes;
pub use dictionary::{Dictionary, Values};

/// Code of a missing text cell.
pub const MISSING_TEXT: u32 = u32::MAX;
/// A missing time cell.
pub const MISSING_TIME: i64 = i64::MIN;

/// Dictionary-encoded text.
#[derive(Clone, Default)]
pub struct TextColumn {
    values: Dictionary,
    /// Codes, found by the hash of the value they stand for.
    lookup: Codes,
    codes: Vec<u32>,
}

impl std::fmt::Debug for TextColumn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextColumn")
            .field("values", &self.values)
            .field("codes", &self.codes)
            .finish()
    }
}

/// The lookup follows from the values, so it takes no part in equality.
impl PartialEq for TextColumn {
    fn eq(&self, other: &TextColumn) -> bool {
        self.values == other.values && self.codes == other.codes
    }
}

/// Byte equality a word at a time (the wasm build's `memcmp` goes a byte
/// at a time, and dictionary values are short).
#[inline]
fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let len = a.len();
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("8 bytes"));
    if len < 8 {
        if len >= 4 {
            let half = |s: &[u8], at: usize| {
                u32::from_le_bytes(s[at..at + 4].try_into().expect("4 bytes"))
            };
            return half(a, 0) == half(b, 0) && half(a, len - 4) == half(b, len - 4);
        }
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    let mut at = 0;
    while at + 8 < len {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    word(a, len - 8) == word(b, len - 8)
}

/// A hash of a dictionary value: two overlapping words for the usual short
/// value, all of them for a long one, mixed well.
#[inline]
fn text_hash(text: &str) -> u32 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    const M: u64 = 0xD6E8_FEB8_6659_FD93;
    let b = text.as_bytes();
    let len = b.len();
    let word = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"));
    let half = |at: usize| {
        u64::from(u32::from_le_bytes(
            b[at..at + 4].try_into().expect("4 bytes"),
        ))
    };
    let mut h = (len as u64).wrapping_mul(K);
    if len >= 8 {
        let mut at = 0;
        while at + 8 < len {
            h = (h ^ word(at)).wrapping_mul(M).rotate_left(29);
            at += 8;
        }
        h ^= word(len - 8);
    } else if len >= 4 {
        h ^= half(0) | half(len - 4) << 32;
    } else if len > 0 {
        h ^= u64::from(b[0]) | u64::from(b[len / 2]) << 8 | u64::from(b[len - 1]) << 16;
    }
    h = h.wrapping_mul(M);
    h ^= h >> 32;
    h = h.wrapping_mul(K);
    (h >> 32) as u32
}

impl TextColumn {
    pub fn push(&mut self, text: Option<&str>) {
        match text {
            None => self.push_missing(),
            Some(t) => {
                self.push_text(t);
            }
        }
    }

    /// Appends a row without a value.
    #[inline]
    pub fn push_missing(&mut self) {
        self.codes.push(MISSING_TEXT);
    }

    /// Appends a row holding `text`; true when `text` joined the dictionary
    /// (what [`Self::pop`] needs to know to take the row back).
    #[inline(always)]
    pub fn push_text(&mut self, text: &str) -> bool {
        // Exports repeat a value on consecutive rows (a person's touches,
        // a note's days, a campaign): compare with the previous row's
        // value before hashing.
        if let Some(&last) = self.codes.last() {
            if last != MISSING_TEXT && same_text(&self.values[last as usize], text) {
                self.codes.push(last);
                return false;
            }
        }
        let known = self.values.len();
        let code = self.intern(text);
        self.codes.push(code);
        code as usize == known
    }

    /// Takes back the last row; `added` is what [`Self::push_text`] said
    /// of it (a value it brought leaves the dictionary with it).
    pub fn pop(&mut self, added: bool) {
        let Some(code) = self.codes.pop() else {
            return;
        };
        if added {
            debug_assert_eq!(code as usize + 1, self.values.len());
            self.lookup
                .remove_last(text_hash(&self.values[code as usize]), code);
            self.values.pop();
        }
    }

    /// The last row's value.
    pub fn last(&self) -> Option<&str> {
        match *self.codes.last()? {
            MISSING_TEXT => None,
            code => Some(&self.values[code as usize]),
        }
    }

    /// Appends a row holding `code`, from [`Self::intern`] on this column
    /// (or [`MISSING_TEXT`]).
    pub fn push_code(&mut self, code: u32) {
        debug_assert!(code == MISSING_TEXT || (code as usize) < self.values.len());
        self.codes.push(code);
    }

    /// The code of `text`, adding it to the dictionary when new.
    #[inline(never)]
    pub fn intern(&mut self, text: &str) -> u32 {
        let values = &self.values;
        let (code, added) =
            self.lookup
                .find_or_insert(text_hash(text), values.len() as u32, |code| {
                    same_text(&values[code as usize], text)
                });
        if added {
            self.values.push(text);
        }
        code
    }

    /// Makes room for `rows` more rows.
    pub fn reserve(&mut self, rows: usize) {
        self.codes.reserve(rows);
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    pub fn get(&self, row: usize) -> Option<&str> {
        match self.codes[row] {
            MISSING_TEXT => None,
            code => Some(&self.values[code as usize]),
        }
    }

    /// A column from its dictionary and codes (as [`crate::codec`] stores it).
    /// Codes must index the dictionary or be [`MISSING_TEXT`].
    pub fn from_parts(values: Dictionary, codes: Vec<u32>) -> TextColumn {
        let mut lookup = Codes::with_capacity(values.len());
        for (code, value) in values.iter().enumerate() {
            let code = code as u32;
            lookup.find_or_insert(text_hash(value), code, |c| c == code);
        }
        TextColumn {
            values,
            lookup,
            codes,
        }
    }

    pub fn codes(&self) -> &[u32] {
        &self.codes
    }

    /// Distinct values, indexed by code.
    pub fn dictionary(&self) -> &Dictionary {
        &self.values
    }

    fn append(&mut self, other: &TextColumn) {
        // Each of the other's values is looked up once, when first met
        // (the order in which new values join this dictionary).
        let mut remap = vec![MISSING_TEXT; other.values.len()];
        self.codes.reserve(other.codes.len());
        for &code in &other.codes {
            let mapped = match code {
                MISSING_TEXT => MISSING_TEXT,
                c => match remap[c as usize] {
                    MISSING_TEXT => {
                        let mapped = self.intern(&other.values[c as usize]);
                        remap[c as usize] = mapped;
                        mapped
                    }
                    mapped => mapped,
                },
            };
            self.codes.push(mapped);
        }
    }
}

/// One column's values.
#[derive(Debug, Clone)]
pub enum Column {
    /// The field is not in the file.
    Absent,
    Text(TextColumn),
    /// NaN is a missing value.
    Number(Vec<f64>),
    /// Seconds since 1970-01-01 on the exporter's wall clock; [`MISSING_TIME`] is missing.
    Time(Vec<i64>),
}

/// Missing numbers are NaN; two missing cells are equal.
impl PartialEq for Column {
    fn eq(&self, other: &Column) -> bool {
        match (self, other) {
            (Column::Absent, Column::Absent) => true,
            (Column::Text(a), Column::Text(b)) => a == b,
            (Column::Time(a), Column::Time(b)) => a == b,
            (Column::Number(a), Column::Number(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
            }
            _ => false,
        }
    }
}

impl Column {
    pub fn empty_for(ty: FieldType) -> Column {
        match ty {
            FieldType::Text | FieldType::CostCategory => Column::Text(TextColumn::default()),
            FieldType::Number | FieldType::Flag => Column::Number(Vec::new()),
            FieldType::Time => Column::Time(Vec::new()),
        }
    }

    pub fn is_present(&self) -> bool {
        !matches!(self, Column::Absent)
    }
}

/// A table of one [`Kind`]: `columns[i]` holds field `kind.fields()[i]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub kind: Kind,
    pub rows: usize,
    pub columns: Vec<Column>,
    /// The 1-based line each row starts on in its file, so a problem found
    /// after the import (a duplicate across monthly files) can name it.
    pub lines: Vec<u32>,
}

impl Table {
    /// An empty table with the given fields present and the rest absent.
    pub fn new(kind: Kind, present: &[bool]) -> Table {
        let columns = kind
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| {
                if present.get(i).copied().unwrap_or(false) {
                    Column::empty_for(f.ty)
                } else {
                    Column::Absent
                }
            })
            .collect();
        Table {
            kind,
            rows: 0,
            columns,
            lines: Vec::new(),
        }
    }

    /// Makes room for `rows` more rows in every column.
    pub fn reserve(&mut self, rows: usize) {
        for column in &mut self.columns {
            match column {
                Column::Absent => {}
                Column::Text(c) => c.reserve(rows),
                Column::Number(v) => v.reserve(rows),
                Column::Time(v) => v.reserve(rows),
            }
        }
        self.lines.reserve(rows);
    }

    fn column(&self, field: &str) -> &Column {
        let index = self
            .kind
            .field_index(field)
            .unwrap_or_else(|| panic!("{} has no field {field}", self.kind.name()));
        &self.columns[index]
    }

    /// The numbers of a field, or `None` when the file lacks it.
    pub fn numbers(&self, field: &str) -> Option<&[f64]> {
        match self.column(field) {
            Column::Number(v) => Some(v),
            _ => None,
        }
    }

    pub fn text(&self, field: &str) -> Option<&TextColumn> {
        match self.column(field) {
            Column::Text(c) => Some(c),
            _ => None,
        }
    }

    pub fn times(&self, field: &str) -> Option<&[i64]> {
        match self.column(field) {
            Column::Time(v) => Some(v),
            _ => None,
        }
    }

    pub fn has(&self, field: &str) -> bool {
        self.column(field).is_present()
    }

    /// Sum of a numeric field over rows where it is present (0 when absent).
    pub fn sum(&self, field: &str) -> f64 {
        self.numbers(field)
            .map(|v| v.iter().filter(|x| !x.is_nan()).sum())
            .unwrap_or(0.0)
    }

    /// The key two rows share when one repeats the other: the same order id,
    /// or the same note on the same date. A field the table lacks is not
    /// part of the key; an empty key cell means the row cannot be shown to
    /// repeat another (`None`).
    pub fn row_key(&self, row: usize) -> Option<String> {
        let names = self.kind.identity_fields();
        if names.is_empty() {
            return None;
        }
        let mut key = String::new();
        for name in names {
            match self.column(name) {
                Column::Absent => {}
                Column::Text(c) => key.push_str(c.get(row)?),
                Column::Time(v) if v[row] != MISSING_TIME => key.push_str(&v[row].to_string()),
                _ => return None,
            }
            key.push('\u{1}');
        }
        Some(key)
    }

    /// Appends `other` but skips its rows that repeat a row already here.
    /// Returns `(line in other, line here)` for each row skipped.
    pub fn append_unique(&mut self, other: &Table) -> Vec<(u32, u32)> {
        let mut seen: HashMap<String, u32> = HashMap::new();
        for row in 0..self.rows {
            if let Some(key) = self.row_key(row) {
                seen.entry(key)
                    .or_insert(self.lines.get(row).copied().unwrap_or(0));
            }
        }
        let mut keep = vec![true; other.rows];
        let mut skipped = Vec::new();
        for (row, slot) in keep.iter_mut().enumerate() {
            let Some(key) = other.row_key(row) else {
                continue;
            };
            let line = other.lines.get(row).copied().unwrap_or(0);
            match seen.get(&key) {
                Some(&first) => {
                    *slot = false;
                    skipped.push((line, first));
                }
                None => {
                    seen.insert(key, line);
                }
            }
        }
        if skipped.is_empty() {
            self.append(other);
        } else {
            self.append(&other.filtered(&keep));
        }
        skipped
    }

    /// The rows whose flag is true.
    pub fn filtered(&self, keep: &[bool]) -> Table {
        fn pick<T: Clone>(values: &[T], keep: &[bool]) -> Vec<T> {
            values
                .iter()
                .zip(keep)
                .filter(|(_, &k)| k)
                .map(|(v, _)| v.clone())
                .collect()
        }
        let columns = self
            .columns
            .iter()
            .map(|c| match c {
                Column::Absent => Column::Absent,
                Column::Text(t) => Column::Text(TextColumn::from_parts(
                    t.dictionary().clone(),
                    pick(t.codes(), keep),
                )),
                Column::Number(v) => Column::Number(pick(v, keep)),
                Column::Time(v) => Column::Time(pick(v, keep)),
            })
            .collect();
        Table {
            kind: self.kind,
            rows: keep.iter().filter(|&&k| k).count(),
            columns,
            lines: pick(&self.lines, keep),
        }
    }

    /// Appends another table of the same kind (monthly exports of one report).
    /// A field present in only one of the two becomes present, missing in the other's rows.
    pub fn append(&mut self, other: &Table) {
        assert_eq!(self.kind, other.kind, "append needs tables of one kind");
        let fields = self.kind.fields();
        for (i, (mine, theirs)) in self.columns.iter_mut().zip(&other.columns).enumerate() {
            if !mine.is_present() && theirs.is_present() {
                *mine = Column::empty_for(fields[i].ty);
                fill_missing(mine, self.rows);
            }
            match (mine, theirs) {
                (Column::Text(a), Column::Text(b)) => a.append(b),
                (Column::Number(a), Column::Number(b)) => a.extend_from_slice(b),
                (Column::Time(a), Column::Time(b)) => a.extend_from_slice(b),
                (mine, Column::Absent) if mine.is_present() => fill_missing(mine, other.rows),
                _ => {}
            }
        }
        self.rows += other.rows;
        self.lines.extend_from_slice(&other.lines);
    }
}

fn fill_missing(column: &mut Column, rows: usize) {
    match column {
        Column::Absent => {}
        Column::Text(c) => (0..rows).for_each(|_| c.push(None)),
        Column::Number(v) => v.resize(v.len() + rows, f64::NAN),
        Column::Time(v) => v.resize(v.len() + rows, MISSING_TIME),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appending_a_column_equals_pushing_its_values() {
        let mut first = TextColumn::default();
        let mut pushed = TextColumn::default();
        for v in [Some("a"), None, Some("b")] {
            first.push(v);
            pushed.push(v);
        }
        let mut other = TextColumn::default();
        // A value interned but never used must not join the dictionary.
        other.intern("unused");
        let values = [Some("c"), Some("a"), None, Some("c"), Some("d"), Some("b")];
        for v in values {
            other.push(v);
            pushed.push(v);
        }
        first.append(&other);
        assert_eq!(first, pushed);
    }

    #[test]
    fn popping_a_row_takes_back_the_value_it_brought() {
        let mut c = TextColumn::default();
        assert!(c.push_text("a"));
        assert!(c.push_text("b"));
        c.pop(true);
        assert!(!c.push_text("a"));
        c.pop(false);
        // "b" left the lookup too: it comes back with the next free code.
        assert!(c.push_text("c"));
        assert!(c.push_text("b"));
        assert_eq!(c.dictionary().iter().collect::<Vec<_>>(), ["a", "c", "b"]);
        assert_eq!(c.codes(), [0, 1, 2]);
        assert_eq!(c.last(), Some("b"));
    }

    #[test]
    fn text_is_interned_once_per_distinct_value() {
        let mut c = TextColumn::default();
        for t in ["a", "b", "a", "a"] {
            c.push(Some(t));
        }
        c.push(None);
        assert_eq!(c.dictionary().len(), 2);
        assert_eq!(c.codes(), &[0, 1, 0, 0, MISSING_TEXT]);
        assert_eq!(c.get(1), Some("b"));
        assert_eq!(c.get(4), None);
    }

    #[test]
    fn sum_skips_missing_values() {
        let mut t = Table::new(Kind::Paths, &[false, true, false, false]);
        t.columns[1] = Column::Number(vec![1.0, f64::NAN, 2.5]);
        t.rows = 3;
        assert_eq!(t.sum("conversions"), 3.5);
        assert_eq!(t.sum("value"), 0.0);
    }

    fn orders(text: &str) -> Table {
        crate::import::import("o.csv", text.as_bytes(), &crate::ImportOptions::default())
            .unwrap()
            .table
    }

    #[test]
    fn overlapping_monthly_exports_count_a_repeated_order_once() {
        let mut march = orders("order_id,time,revenue\no1,2026-03-30,10\no2,2026-03-31,20\n");
        let april = orders("order_id,time,revenue\no2,2026-03-31,20\no3,2026-04-01,30\n");
        let skipped = march.append_unique(&april);
        assert_eq!(skipped, vec![(2, 3)]);
        assert_eq!(march.rows, 3);
        assert_eq!(march.sum("revenue"), 60.0);
        assert_eq!(march.lines, vec![2, 3, 3]);
    }

    #[test]
    fn notes_repeat_only_on_the_same_note_and_date() {
        let notes = |t: &str| {
            crate::import::import("n.csv", t.as_bytes(), &crate::ImportOptions::default())
                .unwrap()
                .table
        };
        let mut a = notes("note_id,date,views\nn1,2026-03-01,5\n");
        let b = notes("note_id,date,views\nn1,2026-03-01,5\nn1,2026-03-02,7\n");
        assert_eq!(a.append_unique(&b).len(), 1);
        assert_eq!(a.sum("views"), 12.0);
    }

    #[test]
    fn append_fills_fields_one_side_lacks() {
        let mut a = Table::new(Kind::Paths, &[true, true, false, false]);
        if let Column::Text(c) = &mut a.columns[0] {
            c.push(Some("x"));
        }
        a.columns[1] = Column::Number(vec![1.0]);
        a.rows = 1;
        let mut b = Table::new(Kind::Paths, &[true, true, true, false]);
        if let Column::Text(c) = &mut b.columns[0] {
            c.push(Some("y"));
        }
        b.columns[1] = Column::Number(vec![2.0]);
        b.columns[2] = Column::Number(vec![9.0]);
        b.rows = 1;
        a.append(&b);
        assert_eq!(a.rows, 2);
        assert_eq!(a.text("path").unwrap().get(1), Some("y"));
        let values = a.numbers("value").unwrap();
        assert!(values[0].is_nan());
        assert_eq!(values[1], 9.0);
    }
}
