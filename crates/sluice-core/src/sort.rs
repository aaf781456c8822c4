//! Stable sort of a permutation by one key: the step of a multi-key sort.
//!
//! `sort` orders rows by several keys; sorting the permutation stably by each
//! key in turn, last key first (LSD), gives the lexicographic order with the
//! input order breaking ties. One step orders the row indices in
//! `permutation` by `(classes[row], keys[row])` ascending:
//! - `classes` (optional, one byte per row) is the most significant part: the
//!   caller uses it to put nulls (and NaN) before or after every number;
//! - keys compare numerically with `-0 == 0`; NaN is above every number and
//!   equal to every other NaN (callers normally keep NaN in a class instead);
//! - equal `(class, key)` keep their order in `permutation` (stable).
//!
//! An LSD radix sort over the keys mapped to order-preserving `u64`s, one
//! byte per pass, skipping the passes where every key has the same byte
//! (values of one magnitude share their exponent bytes), then one pass by
//! class. Small inputs use the standard library's stable sort.

use crate::CoreError;

/// Bits per radix digit: 11 makes six passes over a u64 with 2048 buckets,
/// whose write heads still fit in L1/L2.
const BITS: usize = 11;
const DIGITS: usize = 64usize.div_ceil(BITS);
const RADIX: usize = 1 << BITS;
const MASK: usize = RADIX - 1;

/// Below this many rows the comparison sort is faster than the passes.
const RADIX_MIN: usize = 2048;

/// `x` as a `u64` whose unsigned order is the key order (`-0 == 0`, NaN last).
#[inline(always)]
pub(crate) fn ordered(x: f64) -> u64 {
    if x.is_nan() {
        return u64::MAX;
    }
    // -0 and 0 are one key.
    let bits = if x == 0.0 { 0 } else { x.to_bits() };
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

fn check(keys: usize, classes: Option<&[u8]>, permutation: &[u32]) -> Result<(), CoreError> {
    if let Some(c) = classes {
        if c.len() < keys {
            return Err(CoreError::LengthMismatch {
                arg: "classes",
                needed: keys,
                got: c.len(),
            });
        }
    }
    crate::check_column(keys, None)?;
    if let Some((at, &index)) = permutation
        .iter()
        .enumerate()
        .find(|&(_, &r)| r as usize >= keys)
    {
        return Err(CoreError::IndexOutOfRange {
            at,
            index,
            rows: keys,
        });
    }
    Ok(())
}

/// Reorders `permutation` (row indices into `keys`) stably by
/// `(classes[row], keys[row])`, ascending.
///
/// # Errors
/// [`CoreError::LengthMismatch`] when `classes` is shorter than `keys`,
/// [`CoreError::IndexOutOfRange`] for an entry of `permutation` that is not a
/// row of `keys` (both before anything is reordered).
pub fn sort_stable_f64(
    keys: &[f64],
    classes: Option<&[u8]>,
    permutation: &mut [u32],
) -> Result<(), CoreError> {
    check(keys.len(), classes, permutation)?;
    let m = permutation.len();
    if m < RADIX_MIN {
        match classes {
            Some(c) => permutation.sort_by_key(|&r| (c[r as usize], ordered(keys[r as usize]))),
            None => permutation.sort_by_key(|&r| ordered(keys[r as usize])),
        }
        return Ok(());
    }
    let mut k: Vec<u64> = permutation
        .iter()
        .map(|&r| ordered(keys[r as usize]))
        .collect();
    let mut k2 = vec![0u64; m];
    let mut p2 = vec![0u32; m];
    // Histograms of all eight bytes in one read of the keys.
    let mut counts = vec![[0usize; RADIX]; DIGITS];
    for &x in &k {
        for (d, c) in counts.iter_mut().enumerate() {
            c[((x >> (BITS * d)) as usize) & MASK] += 1;
        }
    }
    let mut src_in_perm = true; // where the current order lives: (k, permutation) or (k2, p2)
    for (d, c) in counts.iter().enumerate() {
        if c.contains(&m) {
            continue; // every key has this byte: the pass would not move anything
        }
        let mut starts = [0usize; RADIX];
        let mut at = 0;
        for (s, &n) in starts.iter_mut().zip(c) {
            *s = at;
            at += n;
        }
        let shift = BITS * d;
        let (ks, ps, kd, pd) = if src_in_perm {
            (&k[..], &permutation[..], &mut k2[..], &mut p2[..])
        } else {
            (&k2[..], &p2[..], &mut k[..], &mut permutation[..])
        };
        for (&x, &r) in ks.iter().zip(ps) {
            let b = ((x >> shift) as usize) & MASK;
            let to = starts[b];
            starts[b] += 1;
            // SAFETY: `starts` partitions 0..m by the histogram of this byte.
            unsafe {
                *kd.get_unchecked_mut(to) = x;
                *pd.get_unchecked_mut(to) = r;
            }
        }
        src_in_perm = !src_in_perm;
    }
    if !src_in_perm {
        permutation.copy_from_slice(&p2);
    }
    if let Some(c) = classes {
        // The most significant digit: one stable counting pass by class.
        let mut starts = [0usize; 257];
        for &r in permutation.iter() {
            starts[c[r as usize] as usize + 1] += 1;
        }
        if starts.iter().all(|&n| n < m) {
            for b in 1..257 {
                starts[b] += starts[b - 1];
            }
            for &r in permutation.iter() {
                let b = c[r as usize] as usize;
                p2[starts[b]] = r;
                starts[b] += 1;
            }
            permutation.copy_from_slice(&p2);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(keys: &[f64], classes: Option<&[u8]>, perm: &[u32]) -> Vec<u32> {
        let mut p = perm.to_vec();
        p.sort_by(|&a, &b| {
            let ca = classes.map_or(0, |c| c[a as usize]);
            let cb = classes.map_or(0, |c| c[b as usize]);
            ca.cmp(&cb).then_with(|| {
                let (x, y) = (keys[a as usize], keys[b as usize]);
                match (x.is_nan(), y.is_nan()) {
                    (true, true) => std::cmp::Ordering::Equal,
                    (true, false) => std::cmp::Ordering::Greater,
                    (false, true) => std::cmp::Ordering::Less,
                    _ => x.partial_cmp(&y).unwrap(),
                }
            })
        });
        p
    }

    fn sample(n: usize, seed: u64) -> (Vec<f64>, Vec<u8>) {
        let mut x = seed;
        let specials = [
            0.0,
            -0.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e-310,
            -1e300,
        ];
        let keys = (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let r = (x >> 33) as usize;
                if r.is_multiple_of(7) {
                    specials[r % specials.len()]
                } else {
                    (r % 1000) as f64 / 8.0 - 60.0
                }
            })
            .collect();
        let classes = (0..n).map(|i| (i * 31 % 5 % 3) as u8).collect();
        (keys, classes)
    }

    #[test]
    fn equals_a_stable_comparison_sort_small_and_large() {
        for n in [0, 1, 5, 100, RADIX_MIN + 1, 50_000] {
            let (keys, classes) = sample(n, n as u64 + 3);
            // A permutation that is not the identity, to show stability is relative to it.
            let perm: Vec<u32> = (0..n as u32).rev().collect();
            for c in [None, Some(&classes[..])] {
                let mut p = perm.clone();
                sort_stable_f64(&keys, c, &mut p).unwrap();
                assert_eq!(p, reference(&keys, c, &perm), "n={n}");
            }
        }
    }

    #[test]
    fn minus_zero_equals_zero_and_keeps_order() {
        let keys = [0.0, -0.0, 0.0, -0.0];
        let mut p = vec![3, 2, 1, 0];
        sort_stable_f64(&keys, None, &mut p).unwrap();
        assert_eq!(p, [3, 2, 1, 0]);
    }

    #[test]
    fn subset_permutations_and_errors() {
        let keys = [3.0, 1.0, 2.0];
        let mut p = vec![0, 2];
        sort_stable_f64(&keys, None, &mut p).unwrap();
        assert_eq!(p, [2, 0]);
        let mut bad = vec![0, 3];
        assert_eq!(
            sort_stable_f64(&keys, None, &mut bad),
            Err(CoreError::IndexOutOfRange {
                at: 1,
                index: 3,
                rows: 3
            })
        );
        assert!(matches!(
            sort_stable_f64(&keys, Some(&[0, 0]), &mut p),
            Err(CoreError::LengthMismatch { arg: "classes", .. })
        ));
    }
}
