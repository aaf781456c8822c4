//! Eight bytes at a time in a `u64` (SWAR): the byte searches and digit runs
//! both text parsers spend most of their time in. A byte loop here was the
//! hottest code of each parser (profiles/csv-native-parse).

pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
pub(crate) const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Bit 7 of each byte of `word` that equals `byte` is set (lowest one exact:
/// a false positive can only follow a true match, so the first is right).
#[inline(always)]
pub(crate) fn bytes_equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * byte as u64);
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// Bit 7 of each byte of `word` that is not an ASCII digit (lowest one
/// exact: a carry can only disturb the bytes after it).
#[inline(always)]
pub(crate) fn non_digits(word: u64) -> u64 {
    let x = word ^ (ONES * b'0' as u64);
    (x.wrapping_add(ONES * 0x76) | x) & HIGHS
}

/// The value of eight ASCII digits, the first in the lowest byte (bytes of
/// 0 count as leading zeros), in three multiplications instead of eight
/// (`parse_eight_digits_unrolled` of simdjson / fast_float).
#[inline(always)]
pub(crate) fn eight_digits(word: u64) -> u64 {
    let pairs = ((word & 0x0F0F_0F0F_0F0F_0F0F).wrapping_mul(2561)) >> 8;
    let quads = ((pairs & 0x00FF_00FF_00FF_00FF).wrapping_mul(6_553_601)) >> 16;
    ((quads & 0x0000_FFFF_0000_FFFF).wrapping_mul(42_949_672_960_001)) >> 32
}

pub(crate) const POW10_U64: [u64; 9] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

/// 10^0 … 10^22: exactly representable doubles (Clinger's fast path: an
/// exact mantissa divided or multiplied by one of them is correctly rounded).
pub(crate) const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Appends the run of ASCII digits at `input[p..]` to `value` (wrapping:
/// callers bound the count) and returns it with where the run stops.
#[inline(always)]
pub(crate) fn digit_run(input: &[u8], mut p: usize, mut value: u64) -> (u64, usize) {
    while p + 8 <= input.len() {
        let word = u64::from_le_bytes(input[p..p + 8].try_into().unwrap());
        let mask = non_digits(word);
        if mask == 0 {
            value = value
                .wrapping_mul(100_000_000)
                .wrapping_add(eight_digits(word));
            p += 8;
            continue;
        }
        let n = (mask.trailing_zeros() / 8) as usize;
        if n > 0 {
            // The n digits moved to the top bytes, zeros below.
            let digits = eight_digits(word << (64 - 8 * n));
            value = value.wrapping_mul(POW10_U64[n]).wrapping_add(digits);
        }
        return (value, p + n);
    }
    while let Some(&b) = input.get(p) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        value = value.wrapping_mul(10).wrapping_add(d as u64);
        p += 1;
    }
    (value, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_runs_of_every_length_read_exactly_and_stop_at_the_first_non_digit() {
        for len in 0..=20usize {
            for tail in ["", ",", "}", ".5", "e3", "\"x\"        ", "\n12345678", "/:"] {
                let digits: String = (0..len).map(|k| char::from(b'1' + (k % 9) as u8)).collect();
                let text = format!("{digits}{tail}");
                let (value, stop) = digit_run(text.as_bytes(), 0, 0);
                assert_eq!(stop, len, "{text:?}");
                let expected = digits
                    .bytes()
                    .fold(0u64, |v, b| v.wrapping_mul(10).wrapping_add((b - b'0') as u64));
                assert_eq!(value, expected, "{text:?}");
            }
        }
        assert_eq!(digit_run(b"x123", 0, 0), (0, 0));
        assert_eq!(digit_run(b"09/:", 0, 0), (9, 2));
        assert_eq!(digit_run(b"12.34", 3, 12), (1234, 5));
    }
}
