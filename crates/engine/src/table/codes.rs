//! A text column's codes, found by the hash of the value they stand for.
//!
//! Open addressing with linear probing over one `u64` per slot: the
//! value's 32-bit hash above its code. The table is kept at most half full,
//! so a lookup usually reads one slot; the hash beside the code means a
//! value is compared only when its hash matches and growing never reads
//! the values again. (A general hash table was a quarter of the import's
//! time in the browser, where its probing goes four slots at a time.)

/// A free slot: no code is `u32::MAX` (that is a missing cell's code).
const FREE: u64 = u64::MAX;

#[derive(Clone, Default)]
pub(super) struct Codes {
    /// `hash << 32 | code`, or [`FREE`]; the length is zero or a power of two.
    slots: Vec<u64>,
    len: usize,
}

impl Codes {
    pub(super) fn with_capacity(values: usize) -> Codes {
        let mut codes = Codes::default();
        codes.grow_for(values);
        codes
    }

    /// The code of the value with `hash` that `is_value` accepts, or
    /// `new_code` (stored) when there is none; true when it was stored.
    #[inline]
    pub(super) fn find_or_insert(
        &mut self,
        hash: u32,
        new_code: u32,
        is_value: impl Fn(u32) -> bool,
    ) -> (u32, bool) {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow_for(self.len + 1);
        }
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            let slot = self.slots[at];
            if slot == FREE {
                self.slots[at] = u64::from(hash) << 32 | u64::from(new_code);
                self.len += 1;
                return (new_code, true);
            }
            if (slot >> 32) as u32 == hash && is_value(slot as u32) {
                return (slot as u32, false);
            }
            at = (at + 1) & mask;
        }
    }

    /// Removes `code` (with `hash`), which must be the code stored last:
    /// every other code was stored while its slot was free, so no other
    /// probe passes through it, and freeing it leaves every lookup as it
    /// was before it was stored.
    pub(super) fn remove_last(&mut self, hash: u32, code: u32) {
        let wanted = u64::from(hash) << 32 | u64::from(code);
        if self.slots.is_empty() {
            return;
        }
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        while self.slots[at] != FREE {
            if self.slots[at] == wanted {
                self.slots[at] = FREE;
                self.len -= 1;
                return;
            }
            at = (at + 1) & mask;
        }
    }

    /// Makes room for `values` values at most half full.
    fn grow_for(&mut self, values: usize) {
        let size = (values * 2).next_power_of_two().max(16);
        if size <= self.slots.len() {
            return;
        }
        let old = std::mem::replace(&mut self.slots, vec![FREE; size]);
        let mask = size - 1;
        for slot in old.into_iter().filter(|&s| s != FREE) {
            let mut at = (slot >> 32) as usize & mask;
            while self.slots[at] != FREE {
                at = (at + 1) & mask;
            }
            self.slots[at] = slot;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_hashes_keep_their_codes_apart() {
        let mut codes = Codes::default();
        let values = ["a", "b", "c"];
        for (code, _) in values.iter().enumerate() {
            let code = code as u32;
            assert_eq!(codes.find_or_insert(7, code, |c| c == code), (code, true));
        }
        for (code, _) in values.iter().enumerate() {
            let code = code as u32;
            assert_eq!(codes.find_or_insert(7, 99, |c| c == code), (code, false));
        }
    }

    #[test]
    fn growing_keeps_every_code() {
        let mut codes = Codes::default();
        let hash = |i: u32| i.wrapping_mul(0x9E37_79B9);
        for i in 0..10_000 {
            assert_eq!(codes.find_or_insert(hash(i), i, |c| c == i), (i, true));
        }
        for i in 0..10_000 {
            assert_eq!(codes.find_or_insert(hash(i), 0, |c| c == i), (i, false));
        }
        assert!(codes.slots.len() >= 20_000);
    }

    #[test]
    fn removing_the_last_code_frees_its_slot_for_the_next() {
        let mut codes = Codes::default();
        codes.find_or_insert(5, 0, |c| c == 0);
        codes.find_or_insert(5, 1, |c| c == 1);
        codes.remove_last(5, 1);
        assert_eq!(codes.len, 1);
        assert_eq!(codes.find_or_insert(5, 0, |c| c == 0), (0, false));
        assert_eq!(codes.find_or_insert(5, 1, |c| c == 1), (1, true));
    }
}
