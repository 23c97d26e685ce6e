//! Finding the bytes that matter to a record (the delimiter, `"`, `\r` and
//! `\n`) 64 at a time, as one bit each.
//!
//! Most records of a machine export hold no quote at all, and most of their
//! bytes are none of those four: comparing 16 bytes at once (SSE2 natively,
//! SIMD128 in the wasm build, eight at once with plain integer arithmetic
//! elsewhere) and then visiting only the set bits is several times cheaper
//! than a state machine stepping through every byte.

/// The positions of the structural bytes of `bytes`, in order.
pub(super) struct Structural<'a> {
    bytes: &'a [u8],
    delimiter: u8,
    /// Position of the mask's bit 0.
    base: usize,
    /// Structural bytes not yet visited in `base..base + 64`.
    mask: u64,
}

impl<'a> Structural<'a> {
    pub(super) fn new(bytes: &'a [u8], delimiter: u8) -> Structural<'a> {
        let mut s = Structural {
            bytes,
            delimiter,
            base: 0,
            mask: 0,
        };
        s.load(0);
        s
    }

    fn load(&mut self, at: usize) {
        self.base = at;
        self.mask = mask_at(self.bytes, at, self.delimiter);
    }

    /// The next structural byte's position.
    #[inline]
    pub(super) fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            let next = self.base + 64;
            if next >= self.bytes.len() {
                return None;
            }
            self.load(next);
        }
        let bit = self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(self.base + bit)
    }

    /// Forgets the structural bytes before `at`.
    #[inline]
    pub(super) fn skip_to(&mut self, at: usize) {
        if at >= self.base + 64 {
            self.load(at);
        } else if at > self.base {
            self.mask &= u64::MAX << (at - self.base);
        }
    }
}

/// Bit `i` set when `bytes[at + i]` is structural (bits past the end clear).
fn mask_at(bytes: &[u8], at: usize, delimiter: u8) -> u64 {
    let rest = bytes.get(at..).unwrap_or_default();
    match rest.first_chunk::<64>() {
        Some(block) => block_mask(block, delimiter),
        None => rest
            .iter()
            .enumerate()
            .filter(|&(_, &b)| is_structural(b, delimiter))
            .fold(0, |mask, (i, _)| mask | 1 << i),
    }
}

#[inline]
fn is_structural(b: u8, delimiter: u8) -> bool {
    b == delimiter || b == b'"' || b == b'\n' || b == b'\r'
}

#[cfg(target_arch = "x86_64")]
#[inline]
fn block_mask(block: &[u8; 64], delimiter: u8) -> u64 {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86_64 itself, and each load reads 16 bytes
    // of `block` (unaligned loads).
    unsafe {
        let d = _mm_set1_epi8(delimiter as i8);
        let q = _mm_set1_epi8(b'"' as i8);
        let n = _mm_set1_epi8(b'\n' as i8);
        let r = _mm_set1_epi8(b'\r' as i8);
        let mut mask = 0u64;
        for (i, part) in block.chunks_exact(16).enumerate() {
            let v = _mm_loadu_si128(part.as_ptr().cast());
            let hits = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, q)),
                _mm_or_si128(_mm_cmpeq_epi8(v, n), _mm_cmpeq_epi8(v, r)),
            );
            mask |= u64::from(_mm_movemask_epi8(hits) as u16) << (16 * i);
        }
        mask
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline]
fn block_mask(block: &[u8; 64], delimiter: u8) -> u64 {
    use std::arch::wasm32::*;
    let d = u8x16_splat(delimiter);
    let q = u8x16_splat(b'"');
    let n = u8x16_splat(b'\n');
    let r = u8x16_splat(b'\r');
    let mut mask = 0u64;
    for (i, part) in block.chunks_exact(16).enumerate() {
        // SAFETY: `part` is 16 readable bytes; wasm loads need no alignment.
        let v = unsafe { v128_load(part.as_ptr().cast()) };
        let hits = v128_or(
            v128_or(u8x16_eq(v, d), u8x16_eq(v, q)),
            v128_or(u8x16_eq(v, n), u8x16_eq(v, r)),
        );
        mask |= u64::from(u8x16_bitmask(hits)) << (16 * i);
    }
    mask
}

#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
#[inline]
fn block_mask(block: &[u8; 64], delimiter: u8) -> u64 {
    swar_block_mask(block, delimiter)
}

/// Eight bytes at a time in a `u64` (any target).
#[cfg_attr(
    any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    ),
    allow(dead_code)
)]
fn swar_block_mask(block: &[u8; 64], delimiter: u8) -> u64 {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const SEVEN: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    // High bit of each byte that equals `b` (exact: no borrow between bytes).
    let equal = |word: u64, b: u8| {
        let x = word ^ (LOW * u64::from(b));
        !((((x & SEVEN) + SEVEN) | x) | SEVEN)
    };
    let mut mask = 0u64;
    for (i, part) in block.chunks_exact(8).enumerate() {
        let word = u64::from_le_bytes(part.try_into().expect("8 bytes"));
        let hits =
            equal(word, delimiter) | equal(word, b'"') | equal(word, b'\n') | equal(word, b'\r');
        // Gather the eight high bits into one byte.
        let bits = ((hits >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56;
        mask |= bits << (8 * i);
    }
    mask
}

/// `bytes` as text when every byte is ASCII, checked 64 bytes at a time
/// (the standard library's check goes a word at a time, four bytes in wasm).
pub(crate) fn ascii_text(bytes: &[u8]) -> Option<&str> {
    let mut blocks = bytes.chunks_exact(64);
    for block in &mut blocks {
        if high_bits(block.try_into().expect("64 bytes")) {
            return None;
        }
    }
    if !blocks.remainder().is_ascii() {
        return None;
    }
    // SAFETY: every byte is below 0x80, and ASCII is UTF-8.
    Some(unsafe { std::str::from_utf8_unchecked(bytes) })
}

#[cfg(target_arch = "x86_64")]
#[inline]
fn high_bits(block: &[u8; 64]) -> bool {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86_64; each load reads 16 bytes of `block`.
    unsafe {
        let mut any = _mm_setzero_si128();
        for part in block.chunks_exact(16) {
            any = _mm_or_si128(any, _mm_loadu_si128(part.as_ptr().cast()));
        }
        _mm_movemask_epi8(any) != 0
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline]
fn high_bits(block: &[u8; 64]) -> bool {
    use std::arch::wasm32::*;
    let mut any = u8x16_splat(0);
    for part in block.chunks_exact(16) {
        // SAFETY: `part` is 16 readable bytes; wasm loads need no alignment.
        any = v128_or(any, unsafe { v128_load(part.as_ptr().cast()) });
    }
    u8x16_bitmask(any) != 0
}

#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
#[inline]
fn high_bits(block: &[u8; 64]) -> bool {
    !block.is_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(bytes: &[u8], delimiter: u8) -> Vec<usize> {
        (0..bytes.len())
            .filter(|&i| is_structural(bytes[i], delimiter))
            .collect()
    }

    fn sample(len: usize, seed: u64) -> Vec<u8> {
        let alphabet = b"ab,;\t\"\r\n \xE6\x98\xA5|";
        let mut state = seed;
        (0..len)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                alphabet[(state >> 33) as usize % alphabet.len()]
            })
            .collect()
    }

    #[test]
    fn every_structural_byte_is_found_once_in_order() {
        for len in [0, 1, 15, 63, 64, 65, 127, 128, 200, 1000] {
            for delimiter in [b',', b';', b'\t', b'|'] {
                let bytes = sample(len, len as u64 + u64::from(delimiter));
                let mut scan = Structural::new(&bytes, delimiter);
                let found: Vec<usize> = std::iter::from_fn(|| scan.next()).collect();
                assert_eq!(found, naive(&bytes, delimiter), "len {len}");
            }
        }
    }

    #[test]
    fn skipping_forgets_only_what_is_before() {
        let bytes = sample(300, 7);
        for at in [0, 1, 30, 63, 64, 100, 299, 300] {
            let mut scan = Structural::new(&bytes, b',');
            scan.skip_to(at);
            let found: Vec<usize> = std::iter::from_fn(|| scan.next()).collect();
            let want: Vec<usize> = naive(&bytes, b',')
                .into_iter()
                .filter(|&i| i >= at)
                .collect();
            assert_eq!(found, want, "at {at}");
        }
    }

    #[test]
    fn ascii_text_is_found_at_any_length_and_position() {
        for len in [0, 1, 63, 64, 65, 128, 200] {
            let bytes = vec![b'a'; len];
            assert_eq!(ascii_text(&bytes).map(str::len), Some(len));
            for at in 0..len {
                let mut other = bytes.clone();
                other[at] = 0x80;
                assert_eq!(ascii_text(&other), None, "len {len} at {at}");
            }
        }
    }

    #[test]
    fn the_portable_mask_agrees_with_the_native_one() {
        for seed in 0..50 {
            let bytes = sample(64, seed);
            let block: &[u8; 64] = bytes.as_slice().try_into().unwrap();
            for delimiter in [b',', b'\t', b'|'] {
                assert_eq!(
                    swar_block_mask(block, delimiter),
                    block_mask(block, delimiter)
                );
            }
        }
    }
}
