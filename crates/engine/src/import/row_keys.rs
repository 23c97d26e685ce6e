//! The identities of the rows read so far (the same order id, or the same
//! note on the same date), for counting a repeated row once.
//!
//! A key is the dictionary code of its first part (a small, dense number:
//! codes are handed out in the order values first appear) and a time (0
//! for kinds keyed by one field). Exports list a note's days in order,
//! either way, so for each code it is enough to keep the lowest and the
//! highest time seen: a new time beyond either end is new, one equal to an
//! end repeats that row. That is one array indexed by code (for notes one
//! entry per note, for orders one per order, filled in order). A hash
//! map of every key, which this replaced, was a fresh cache miss for each
//! row once the machine had been idle for a moment: a 50,000-row notes
//! import took 24.9 ms with it and 18.5 ms with the ends (the bare engine
//! in Node after a pause, docs/benchmarks.md). Only a time strictly
//! between the two ends needs every key: the keys of the rows kept so far
//! are then put in a map once, and the rest of the file is checked
//! against it.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use crate::table::FxBuild;

/// A row's identity: the dictionary code of its first part (0 when the
/// file lacks that field) and the time of its second (0 when there is
/// none), as `key_at` in `import.rs` makes it.
pub(super) type RowKey = [u64; 2];

/// A first key part above this is not a dictionary code (those are `u32`
/// values below the missing cell's): such a key goes to the map rather
/// than sizing the array by it.
const MAX_CODE: u64 = u32::MAX as u64;

pub(super) enum RowKeys {
    /// Per code, the ends of its times seen so far.
    Ends(Vec<Ends>),
    /// Every key, to the line it was first kept on.
    Map(HashMap<RowKey, u64, FxBuild>),
}

/// The lowest and highest time a code was kept with, and their lines
/// (`low_line` 0: the code was not kept yet). Lines past `u32::MAX` are
/// kept as `u32::MAX`, as the table keeps its rows' lines.
#[derive(Clone, Copy, Default)]
pub(super) struct Ends {
    low: i64,
    high: i64,
    low_line: u32,
    high_line: u32,
}

impl Default for RowKeys {
    fn default() -> RowKeys {
        #[cfg(test)]
        if tests::MAP_ONLY.get() {
            return RowKeys::Map(HashMap::default());
        }
        RowKeys::Ends(Vec::new())
    }
}

impl RowKeys {
    /// The line of the kept row that `key` repeats; `None` when it repeats
    /// none, and `key` is then kept, as first seen on `line`. `kept` gives
    /// the keys and lines of every row kept so far, for when the ends
    /// cannot tell.
    pub(super) fn repeated_or_keep<K: Iterator<Item = (RowKey, u64)>>(
        &mut self,
        key: RowKey,
        line: u64,
        kept: impl FnOnce() -> K,
    ) -> Option<u64> {
        if let RowKeys::Ends(ends) = self {
            if let Some(answer) = Self::by_ends(ends, key, line) {
                return answer;
            }
            let kept = kept();
            // Sized once, for every row kept so far and this one.
            let rows = kept.size_hint().1.unwrap_or(0);
            let mut map = HashMap::with_capacity_and_hasher(rows + 1, FxBuild::default());
            for (key, line) in kept {
                map.entry(key).or_insert(line);
            }
            *self = RowKeys::Map(map);
        }
        let RowKeys::Map(map) = self else {
            unreachable!("the ends gave way to the map")
        };
        match map.entry(key) {
            Entry::Occupied(first) => Some(*first.get()),
            Entry::Vacant(slot) => {
                slot.insert(line);
                None
            }
        }
    }

    /// What the ends say of `key` (keeping it when it is new), or `None`
    /// when they cannot tell.
    #[inline]
    fn by_ends(ends: &mut Vec<Ends>, [code, time]: RowKey, line: u64) -> Option<Option<u64>> {
        if code > MAX_CODE {
            return None;
        }
        let code = code as usize;
        if code >= ends.len() {
            ends.resize(code + 1, Ends::default());
        }
        let entry = &mut ends[code];
        let time = time as i64;
        let line32 = u32::try_from(line).unwrap_or(u32::MAX);
        if entry.low_line == 0 {
            *entry = Ends {
                low: time,
                high: time,
                low_line: line32,
                high_line: line32,
            };
            return Some(None);
        }
        if time > entry.high {
            entry.high = time;
            entry.high_line = line32;
            Some(None)
        } else if time < entry.low {
            entry.low = time;
            entry.low_line = line32;
            Some(None)
        } else if time == entry.high {
            Some(Some(u64::from(entry.high_line)))
        } else if time == entry.low {
            Some(Some(u64::from(entry.low_line)))
        } else {
            None
        }
    }

    /// Room for `more` keys once they are in the map; the ends grow as
    /// codes appear.
    pub(super) fn reserve(&mut self, more: usize) {
        if let RowKeys::Map(map) = self {
            map.reserve(more);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{import, ImportOptions};
    use crate::Kind;
    use proptest::prelude::*;
    use std::cell::Cell;

    thread_local! {
        /// Every key in the map from the start: how duplicates were found
        /// before the ends, the reference the ends are checked against.
        pub(super) static MAP_ONLY: Cell<bool> = const { Cell::new(false) };
    }

    /// Notes or orders whose rows repeat each other (a few ids and dates in
    /// any order, before 1970 too), with unreadable and missing cells and
    /// quoted line ends; with the kind to read them as. (A notes file
    /// without its id column is not a notes table: every key has a code.)
    fn file_with_repeats() -> impl Strategy<Value = (Kind, String)> {
        const NOTE_CELLS: [&[&str]; 4] = [
            &["n1", "n2", "n3", "", "\"n\n4\""],
            &[
                "2026-03-01",
                "2026-03-02",
                "2026-03-03",
                "bad day",
                "",
                "1969-12-31",
                "2026-03-02 08:00",
            ],
            &["1", "1,234", "x", "", "2万"],
            &["a", "\"q,\"\"x\"\"\"", "\"line\nbreak\"", ""],
        ];
        const ORDER_CELLS: [&[&str]; 4] = [
            &["o1", "o2", "o3", "", "\"o\r\n4\"", "o5"],
            &["2026-03-01 10:00", "2026-03-02", "later", ""],
            &["10", "(5)", "¥1,200", "free"],
            &["u1", "u2", ""],
        ];
        let row = prop::collection::vec(0usize..12, 4);
        (any::<bool>(), prop::collection::vec(row, 0..60)).prop_map(|(notes, rows)| {
            let (kind, header, cells) = if notes {
                (Kind::Notes, "note_id,date,views,title", NOTE_CELLS)
            } else {
                (
                    Kind::Orders,
                    "order_id,time,revenue,customer_id",
                    ORDER_CELLS,
                )
            };
            let mut file = format!("{header}\n");
            for picks in rows {
                let line: Vec<&str> = cells
                    .iter()
                    .zip(&picks)
                    .map(|(choices, &pick)| choices[pick % choices.len()])
                    .collect();
                file.push_str(&line.join(","));
                file.push('\n');
            }
            (kind, file)
        })
    }

    fn read(kind: Kind, text: &str, map_only: bool) -> Option<String> {
        MAP_ONLY.set(map_only);
        let options = ImportOptions {
            kind: Some(kind),
            ..ImportOptions::default()
        };
        let imported = import("p.csv", text.as_bytes(), &options);
        MAP_ONLY.set(false);
        imported.ok().map(|i| i.fingerprint())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn the_ends_find_the_repeats_the_map_of_every_key_finds((kind, text) in file_with_repeats()) {
            let with_ends = read(kind, &text, false);
            prop_assert!(with_ends.is_some(), "{}", text);
            prop_assert_eq!(with_ends, read(kind, &text, true), "{}", text);
        }
    }

    /// Keeps or finds each `(code, time)` in turn, on lines 1, 2, ...,
    /// with `kept` made from what was kept; returns the answers.
    fn answers_for(keys: &mut RowKeys, rows: &[(u64, u64)]) -> Vec<Option<u64>> {
        let mut kept: Vec<(RowKey, u64)> = Vec::new();
        rows.iter()
            .enumerate()
            .map(|(at, &(code, time))| {
                let line = at as u64 + 1;
                let answer = keys.repeated_or_keep([code, time], line, || kept.iter().copied());
                if answer.is_none() {
                    kept.push(([code, time], line));
                }
                answer
            })
            .collect()
    }

    #[test]
    fn days_of_a_note_in_either_order_stay_on_the_ends() {
        let mut keys = RowKeys::default();
        let answers = answers_for(
            &mut keys,
            &[(0, 10), (0, 11), (1, 5), (1, 4), (0, 9), (0, 11), (1, 4)],
        );
        assert_eq!(answers, [None, None, None, None, None, Some(2), Some(4)]);
        assert!(matches!(keys, RowKeys::Ends(_)));
    }

    #[test]
    fn a_time_between_the_ends_moves_every_key_kept_to_the_map() {
        let mut keys = RowKeys::default();
        let answers = answers_for(
            &mut keys,
            &[(0, 10), (0, 12), (0, 11), (0, 10), (0, 11), (0, 12)],
        );
        assert_eq!(answers, [None, None, None, Some(1), Some(3), Some(2)]);
        assert!(matches!(keys, RowKeys::Map(_)));
    }

    #[test]
    fn a_file_whose_dates_go_back_and_forth_reports_each_repeat_once() {
        let text = "note_id,date,views\nn1,2026-03-01,1\nn1,2026-03-03,2\nn1,2026-03-02,3\n\
                    n1,2026-03-02,4\nn1,2026-03-01,5\n";
        let imported =
            import("p.csv", text.as_bytes(), &ImportOptions::default()).expect("a table");
        assert_eq!(imported.rows_read, 3);
        assert_eq!(imported.rows_duplicate, 2);
        let firsts: Vec<String> = imported
            .problems
            .iter()
            .map(|p| p.message.clone())
            .collect();
        assert_eq!(
            firsts,
            [
                "duplicate of line 4; counted once",
                "duplicate of line 2; counted once"
            ]
        );
    }

    #[test]
    fn one_field_keys_repeat_on_their_code_alone() {
        let mut keys = RowKeys::default();
        let answers = answers_for(&mut keys, &[(0, 0), (1, 0), (0, 0), (2, 0), (1, 0)]);
        assert_eq!(answers, [None, None, Some(1), None, Some(2)]);
        assert!(matches!(keys, RowKeys::Ends(_)));
    }

    #[test]
    fn a_code_too_large_for_the_array_goes_to_the_map() {
        let mut keys = RowKeys::default();
        let answers = answers_for(&mut keys, &[(0, 1), (u64::MAX, 1), (u64::MAX, 1), (0, 1)]);
        assert_eq!(answers, [None, None, Some(2), Some(1)]);
        assert!(matches!(keys, RowKeys::Map(_)));
    }
}
