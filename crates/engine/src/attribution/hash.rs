//! A fast, deterministic hasher for integer keys and short `u16` slices
//! (the multiply-rotate scheme of rustc's FxHash). Iteration order of the maps
//! is never used for output, only for lookups. And [`NameTable`], the
//! channel names of a journey set, found from a fixed-size key per name.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Channel names and their ids, looked up without hashing whole strings:
/// a name is found from its [`NameKey`] (its length and its first and last
/// eight bytes) in an open-addressed table of ids. Turning path texts into
/// channel ids is one lookup per touch, so this is the hot loop of reading a
/// paths table.
#[derive(Debug, Default, Clone)]
pub struct NameTable {
    names: Vec<String>,
    /// Keys and ids by hash slot (the key beside the id saves a read);
    /// id `u32::MAX` is empty. Length a power of two, at least twice the
    /// names, or zero before the first name.
    slots: Vec<Slot>,
}

impl NameTable {
    pub fn from_names(names: Vec<String>) -> NameTable {
        let mut table = NameTable::default();
        for name in names {
            table.insert_new(&name);
        }
        table
    }

    #[cfg(test)]
    pub fn names(&self) -> &[String] {
        &self.names
    }

    pub fn into_names(self) -> Vec<String> {
        self.names
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// The id of `name`, or `None` when it has none yet.
    #[inline]
    pub fn get(&self, name: &str) -> Option<u32> {
        self.get_keyed(NameKey::of(name.as_bytes()), name.as_bytes())
    }

    /// [`NameTable::get`] with the key already read (see
    /// [`NameKey::in_padded`]).
    #[inline(always)]
    pub fn get_keyed(&self, key: NameKey, name: &[u8]) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut slot = key.hash() as usize & mask;
        loop {
            let Slot { key: there, id } = self.slots[slot];
            if id == u32::MAX {
                return None;
            }
            // Up to 16 bytes the key is the whole name.
            if there == key && (key.len <= 16 || self.names[id as usize].as_bytes() == name) {
                return Some(id);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Adds a name known to be absent and returns its id.
    pub fn insert_new(&mut self, name: &str) -> u32 {
        let id = self.names.len() as u32;
        self.names.push(name.to_string());
        if self.slots.len() < 2 * self.names.len() {
            self.rebuild(self.names.len());
        } else {
            self.place(id);
        }
        id
    }

    fn rebuild(&mut self, names: usize) {
        let size = (2 * names).next_power_of_two().max(16);
        self.slots = vec![
            Slot {
                key: NameKey::of(&[]),
                id: u32::MAX
            };
            size
        ];
        for id in 0..self.names.len() as u32 {
            self.place(id);
        }
    }

    fn place(&mut self, id: u32) {
        let mask = self.slots.len() - 1;
        let key = NameKey::of(self.names[id as usize].as_bytes());
        let mut slot = key.hash() as usize & mask;
        while self.slots[slot].id != u32::MAX {
            slot = (slot + 1) & mask;
        }
        self.slots[slot] = Slot { key, id };
    }
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    key: NameKey,
    id: u32,
}

/// A string's length, its first eight bytes (zero-padded when shorter) and
/// its last eight (the first again when shorter): equal keys mean equal
/// strings up to 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameKey {
    head: u64,
    tail: u64,
    len: usize,
}

impl NameKey {
    pub fn of(bytes: &[u8]) -> NameKey {
        let len = bytes.len();
        let mut first = [0u8; 8];
        first[..len.min(8)].copy_from_slice(&bytes[..len.min(8)]);
        let head = u64::from_le_bytes(first);
        let tail = if len >= 8 {
            read_u64(&bytes[len - 8..])
        } else {
            head
        };
        NameKey { head, tail, len }
    }

    /// The key of `buffer[from..to]`, read without branching on the length,
    /// from a buffer that has at least eight readable bytes before `to` and
    /// from `from` onwards (the caller pads it).
    #[inline(always)]
    pub fn in_padded(buffer: &[u8], from: usize, to: usize) -> NameKey {
        let len = to - from;
        let head = read_u64(&buffer[from..from + 8]);
        // The bytes of the name: all eight, or the low `len` of them.
        let keep = u64::MAX
            .checked_shr(8 * (8 - len.min(8)) as u32)
            .unwrap_or(0);
        let head = head & keep;
        // Names of either side of eight bytes mix in one path, so the choice
        // of tail is a mask, not a branch the processor would mispredict.
        let long = u64::from(len >= 8).wrapping_neg();
        let tail = read_u64(&buffer[to - 8..to]) & long | head & !long;
        NameKey { head, tail, len }
    }

    #[inline(always)]
    fn hash(&self) -> u64 {
        let mixed = (self.head ^ self.tail.rotate_left(29) ^ (self.len as u64).rotate_left(53))
            .wrapping_mul(SEED);
        // The high bits are the well-mixed ones.
        mixed ^ (mixed >> 32)
    }
}

#[inline]
fn read_u64(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes.try_into().expect("8 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_table_finds_every_name_it_was_given_and_no_other() {
        let mut table = NameTable::default();
        let names: Vec<String> = (0..1000)
            .map(|i| format!("channel {i}"))
            .chain(["", "a", "ab", "abc", "小红书", "xiaohongshu_search"].map(String::from))
            .collect();
        for (i, name) in names.iter().enumerate() {
            assert_eq!(table.get(name), None);
            assert_eq!(table.insert_new(name), i as u32);
        }
        for (i, name) in names.iter().enumerate() {
            assert_eq!(table.get(name), Some(i as u32), "{name}");
        }
        assert_eq!(table.get("channel 1000"), None);
        assert_eq!(table.get("channel"), None);
        let rebuilt = NameTable::from_names(table.clone().into_names());
        assert_eq!(rebuilt.get("小红书"), Some(1004));
    }

    #[test]
    fn names_sharing_their_first_and_last_bytes_stay_apart() {
        let mut table = NameTable::default();
        let a = table.insert_new("xhs_note_aaaa_zzzz_tail");
        let b = table.insert_new("xhs_note_bbbb_zzzz_tail");
        assert_eq!(table.get("xhs_note_aaaa_zzzz_tail"), Some(a));
        assert_eq!(table.get("xhs_note_bbbb_zzzz_tail"), Some(b));
        assert_eq!(table.get("xhs_note_cccc_zzzz_tail"), None);
    }

    #[test]
    fn a_key_read_from_a_padded_buffer_equals_the_key_of_the_name() {
        for name in [
            "",
            "a",
            "jd",
            "tmall",
            "wechat",
            "bilibili",
            "xhs_search",
            "小红书笔记",
            "a_rather_long_channel_name",
        ] {
            let mut buffer = vec![b'>'; 8];
            buffer.extend_from_slice(name.as_bytes());
            buffer.extend_from_slice(b" > next\0\0\0\0\0\0\0\0");
            let key = NameKey::in_padded(&buffer, 8, 8 + name.len());
            assert_eq!(key, NameKey::of(name.as_bytes()), "{name}");
        }
    }
}
