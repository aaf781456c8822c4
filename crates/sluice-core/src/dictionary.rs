//! The dictionary of a utf8 column in a batch, shared by the text parsers:
//! codes in first-appearance order, as Arrow utf8 entries.

use std::collections::HashMap;

use rustc_hash::FxBuildHasher;

/// Distinct strings of one column in a batch, in first-appearance order, as
/// Arrow utf8 (entry `i` is `bytes[offsets[i]..offsets[i + 1]]`).
///
/// Strings of up to 7 bytes (category names, codes, flags: the common case)
/// are keyed by one machine word holding their bytes and length, so a lookup
/// hashes and compares one integer instead of a boxed slice (the boxed map's
/// lookup and `memcmp` were 9% of the csv source's CPU samples). In front
/// of that map, a direct-mapped table answers most short lookups with one
/// multiply and one compare: the map's probe was still 7% of a CSV Q2 run's
/// CPU samples, a third as much as the whole parse loop.
pub struct Dictionary {
    short: HashMap<u64, i32, FxBuildHasher>,
    /// `SHORT_CACHE` slots of (short key, code), empty slots `EMPTY_KEY`: each
    /// entry is written where its key hashes when it is added (a later entry
    /// hashing to the same slot replaces it, and the map answers for both).
    short_cache: Vec<(u64, i32)>,
    long: HashMap<Box<[u8]>, i32, FxBuildHasher>,
    bytes: Vec<u8>,
    offsets: Vec<i32>,
}

/// Slots of the short-key table: 8 KiB, a few collisions among the ~50
/// entries of a category column, far from any cache's limit.
const SHORT_CACHE: usize = 512;

/// No short key has all bits set: its top byte is a length of at most 7.
const EMPTY_KEY: u64 = u64::MAX;

/// The slot of `key` in the short-key table (Fibonacci hashing: the top bits
/// of the product depend on every byte of the key).
#[inline(always)]
fn cache_slot(key: u64) -> usize {
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - SHORT_CACHE.trailing_zeros())) as usize
}

impl Default for Dictionary {
    fn default() -> Self {
        Dictionary {
            short: HashMap::default(),
            short_cache: vec![(EMPTY_KEY, 0); SHORT_CACHE],
            long: HashMap::default(),
            bytes: Vec::new(),
            offsets: Vec::new(),
        }
    }
}

/// `text` (at most 7 bytes) and its length in one word; distinct for distinct texts.
#[inline(always)]
fn short_key(text: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    word[..text.len()].copy_from_slice(text);
    u64::from_le_bytes(word) | (text.len() as u64) << 56
}

/// `short_key(&input[start..stop])` by one load and a mask where eight bytes
/// are readable: the byte copy through the stack was 15% of the core's time
/// (a `memcpy` call, then a stalled load of what it stored).
#[inline(always)]
fn short_key_at(input: &[u8], start: usize, stop: usize) -> u64 {
    let len = stop - start;
    if start + 8 <= input.len() {
        let word = u64::from_le_bytes(input[start..start + 8].try_into().unwrap());
        (word & ((1u64 << (8 * len)) - 1)) | (len as u64) << 56
    } else {
        short_key(&input[start..stop])
    }
}

impl Dictionary {
    /// The code of `input[start..stop]` if it is already an entry.
    #[inline(always)]
    pub(crate) fn lookup_at(&self, input: &[u8], start: usize, stop: usize) -> Option<i32> {
        if stop - start < 8 {
            let key = short_key_at(input, start, stop);
            let (cached, code) = self.short_cache[cache_slot(key) & (SHORT_CACHE - 1)];
            if cached == key {
                return Some(code);
            }
            self.short.get(&key).copied()
        } else {
            self.long.get(&input[start..stop]).copied()
        }
    }

    /// The code of `text` if it is already an entry.
    #[inline]
    fn lookup(&self, text: &[u8]) -> Option<i32> {
        if text.len() < 8 {
            self.short.get(&short_key(text)).copied()
        } else {
            self.long.get(text).copied()
        }
    }

    /// The code of `text`, added if new; `None` if it is new and not UTF-8.
    pub(crate) fn code_of(&mut self, text: &[u8]) -> Option<i32> {
        if let Some(code) = self.lookup(text) {
            return Some(code);
        }
        std::str::from_utf8(text).ok()?;
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        let code = (self.offsets.len() - 1) as i32;
        self.bytes.extend_from_slice(text);
        self.offsets.push(self.bytes.len() as i32);
        if text.len() < 8 {
            let key = short_key(text);
            self.short.insert(key, code);
            self.short_cache[cache_slot(key) & (SHORT_CACHE - 1)] = (key, code);
        } else {
            self.long.insert(text.into(), code);
        }
        Some(code)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The concatenated bytes of every entry.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// `len() + 1` offsets into `bytes()`, starting at 0.
    pub fn offsets(&self) -> &[i32] {
        if self.offsets.is_empty() {
            &[0]
        } else {
            &self.offsets
        }
    }

    /// Empties the dictionary for the next batch, keeping its memory.
    pub fn clear(&mut self) {
        self.short.clear();
        self.short_cache.fill((EMPTY_KEY, 0));
        self.long.clear();
        self.bytes.clear();
        self.offsets.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_string_has_one_key_whether_loaded_as_a_word_or_copied() {
        let input = b"ab,cat_42,x,,1234567,tail";
        for start in 0..input.len() {
            for stop in start..(start + 8).min(input.len() + 1) {
                assert_eq!(
                    short_key_at(input, start, stop),
                    short_key(&input[start..stop]),
                    "{start}..{stop}"
                );
            }
        }
    }

    #[test]
    fn codes_follow_first_appearance_and_invalid_utf8_is_refused() {
        let mut d = Dictionary::default();
        let texts: [&[u8]; 5] = [
            b"cat_42",
            b"a string longer than 8",
            b"",
            b"cat_42",
            b"a string longer than 8",
        ];
        let codes: Vec<_> = texts.iter().map(|t| d.code_of(t)).collect();
        assert_eq!(codes, [Some(0), Some(1), Some(2), Some(0), Some(1)]);
        assert_eq!(d.code_of(b"\xff"), None);
        assert_eq!(d.lookup_at(b"xcat_42,", 1, 7), Some(0));
        assert_eq!(d.offsets(), &[0, 6, 28, 28]);
        d.clear();
        assert_eq!((d.len(), d.offsets()), (0, &[0][..]));
        assert_eq!(d.lookup_at(b"xcat_42,", 1, 7), None);
    }

    #[test]
    fn short_lookups_agree_with_the_map_when_entries_share_a_slot() {
        // 3000 short texts over 512 slots: many share one, and the later entry owns it.
        let texts: Vec<Vec<u8>> = (0..3000).map(|i| format!("c{i}").into_bytes()).collect();
        let mut d = Dictionary::default();
        for (i, text) in texts.iter().enumerate() {
            assert_eq!(d.code_of(text), Some(i as i32));
        }
        let slots: std::collections::HashSet<usize> = texts
            .iter()
            .map(|t| cache_slot(short_key(t)) & (SHORT_CACHE - 1))
            .collect();
        assert!(slots.len() < texts.len(), "some entries share a slot");
        for (i, text) in texts.iter().enumerate() {
            let mut padded = b",".to_vec();
            padded.extend_from_slice(text);
            padded.extend_from_slice(b",tail....");
            assert_eq!(
                d.lookup_at(&padded, 1, 1 + text.len()),
                Some(i as i32),
                "{i}"
            );
        }
        assert_eq!(d.lookup_at(b",c3000,tail....", 1, 6), None);
        assert_eq!(d.lookup_at(b",,tail....", 1, 1), None);
    }
}
