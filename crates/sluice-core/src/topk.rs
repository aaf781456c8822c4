//! Top-k for `sort` followed by `limit k`: the first `k` rows of the stable
//! order by several keys, without ordering every row.
//!
//! Each key is the pair `(classes[row], ord[row])` that one step of
//! [`crate::sort_stable_f64`] sorts by (classes first, then numbers with
//! `-0 == 0` and NaN above every number); keys compare lexicographically and
//! the row index breaks ties, so the result is exactly the first `k` rows of
//! the LSD multi-key sort. `sort` calls it once per input batch on its kept
//! rows followed by the batch: rows `0..sorted` are already in order.
//!
//! The rows are scanned once against the worst row that can still be kept
//! (the threshold): a row is a candidate only when its keys are strictly
//! before the threshold's (a tie loses, as it comes later). Candidates go to
//! a buffer of a few `k`; when it fills, the best `k` are selected
//! (`select_nth_unstable`) and the threshold tightens to the k-th of them, so
//! on a long input almost every row is dropped by one comparison of its first
//! key. The kept rows are sorted at the end.

use std::cmp::Ordering;

use crate::sort::ordered;
use crate::CoreError;

/// One sort key over the rows: `ord` numbers, and the optional class of each
/// row that comes before them (`None`: every row class 0).
#[derive(Debug, Clone, Copy)]
pub struct TopKKey<'a> {
    pub ord: &'a [f64],
    pub classes: Option<&'a [u8]>,
}

/// A row's key, in the form that compares as the sort orders.
#[inline(always)]
fn part(key: &TopKKey<'_>, row: usize) -> (u8, u64) {
    // SAFETY (both reads): `check` made every `ord` and `classes` at least `n` long and rows are < n.
    let class = key.classes.map_or(0, |c| unsafe { *c.get_unchecked(row) });
    (class, ordered(unsafe { *key.ord.get_unchecked(row) }))
}

/// Rows `a` and `b` by the keys only.
#[inline]
fn cmp_keys(keys: &[TopKKey<'_>], a: usize, b: usize) -> Ordering {
    for key in keys {
        let o = part(key, a).cmp(&part(key, b));
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// Below this many kept rows the final order is a comparison sort; from it,
/// the radix sort steps of [`crate::sort_stable_f64`].
const RADIX_MIN: usize = 2048;

fn check(keys: &[TopKKey<'_>], n: usize, k: usize, out: &[u32]) -> Result<(), CoreError> {
    crate::check_column(n, None)?;
    for key in keys {
        if key.ord.len() < n {
            return Err(CoreError::LengthMismatch {
                arg: "ord",
                needed: n,
                got: key.ord.len(),
            });
        }
        if let Some(c) = key.classes {
            if c.len() < n {
                return Err(CoreError::LengthMismatch {
                    arg: "classes",
                    needed: n,
                    got: c.len(),
                });
            }
        }
    }
    let needed = k.min(n);
    if out.len() < needed {
        return Err(CoreError::OutputTooShort {
            needed,
            got: out.len(),
        });
    }
    Ok(())
}

/// Writes into `out` the first `min(k, n)` rows of `0..n` in the order of
/// `keys` (row index breaking ties) and returns how many it wrote. Rows
/// `0..sorted` must already be in that order (a `sorted` beyond `n` means all
/// of them); nothing else is assumed.
///
/// # Errors
/// [`CoreError::LengthMismatch`] when an `ord` or `classes` has fewer than `n`
/// elements, [`CoreError::OutputTooShort`] when `out` cannot hold `min(k, n)`
/// rows, [`CoreError::TooManyRows`] beyond `u32` rows; all before writing.
pub fn top_k_f64(
    keys: &[TopKKey<'_>],
    n: usize,
    sorted: usize,
    k: usize,
    out: &mut [u32],
) -> Result<usize, CoreError> {
    check(keys, n, k, out)?;
    let m = k.min(n);
    if m == 0 {
        return Ok(0);
    }
    if keys.is_empty() {
        // Every row ties: input order decides.
        for (o, r) in out[..m].iter_mut().zip(0u32..) {
            *o = r;
        }
        return Ok(m);
    }
    let kept = if k >= n {
        (0..n as u32).collect()
    } else {
        scan(keys, n, sorted.min(n), k)
    };
    let order = finish(keys, kept);
    out[..m].copy_from_slice(&order[..m]);
    Ok(m)
}

/// The rows that may be among the first `k` (`k < n`), at least `k` of them, unordered.
fn scan(keys: &[TopKKey<'_>], n: usize, sorted: usize, k: usize) -> Vec<u32> {
    // Room for a few k candidates: few selections on a long input, each cheap.
    let cap = (4 * k).max(k + 1024).min(n);
    let mut buf: Vec<u32> = Vec::with_capacity(cap + 1);
    let mut start = 0;
    let mut threshold: Option<Vec<(u8, u64)>> = None;
    if sorted >= k {
        // Rows k..sorted come after row k-1 (or tie with it, and came later).
        buf.extend(0..k as u32);
        threshold = Some(keys.iter().map(|key| part(key, k - 1)).collect());
        start = sorted;
    }
    let (first, rest) = keys.split_first().expect("keys is not empty");
    for r in start..n {
        if let Some(t) = &threshold {
            // Strictly before the threshold's keys, else a later row loses.
            let o = part(first, r).cmp(&t[0]);
            let before = o == Ordering::Less
                || (o == Ordering::Equal && before_rest(rest, r, &t[1..]));
            if !before {
                continue;
            }
        }
        buf.push(r as u32);
        if buf.len() >= cap {
            select(keys, &mut buf, k);
            let worst = buf[k - 1] as usize;
            threshold = Some(keys.iter().map(|key| part(key, worst)).collect());
        }
    }
    buf
}

/// Whether row `r` is strictly before the threshold by the keys after the first.
#[inline]
fn before_rest(rest: &[TopKKey<'_>], r: usize, t: &[(u8, u64)]) -> bool {
    for (key, t) in rest.iter().zip(t) {
        match part(key, r).cmp(t) {
            Ordering::Less => return true,
            Ordering::Greater => return false,
            Ordering::Equal => {}
        }
    }
    false
}

/// Keeps the best `k` rows of `buf`, the worst of them last.
fn select(keys: &[TopKKey<'_>], buf: &mut Vec<u32>, k: usize) {
    let by = |a: &u32, b: &u32| cmp_keys(keys, *a as usize, *b as usize).then(a.cmp(b));
    buf.select_nth_unstable_by(k - 1, by);
    buf.truncate(k);
    // select_nth leaves the k-th at k - 1 and only better rows before it.
}

/// `rows` in key order, the row index breaking ties.
fn finish(keys: &[TopKKey<'_>], mut rows: Vec<u32>) -> Vec<u32> {
    if rows.len() < RADIX_MIN {
        rows.sort_unstable_by(|&a, &b| cmp_keys(keys, a as usize, b as usize).then(a.cmp(&b)));
        return rows;
    }
    // Stable steps, last key first, from row order: the tie-break is the row index.
    rows.sort_unstable();
    for key in keys.iter().rev() {
        crate::sort_stable_f64(key.ord, key.classes, &mut rows)
            .expect("rows are below n, ord and classes at least n long (checked)");
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first k of a full stable sort: what top-k must equal.
    fn reference(keys: &[TopKKey<'_>], n: usize, k: usize) -> Vec<u32> {
        let mut rows: Vec<u32> = (0..n as u32).collect();
        rows.sort_by(|&a, &b| cmp_keys(keys, a as usize, b as usize));
        rows.truncate(k);
        rows
    }

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) as usize
        }
    }

    fn column(rng: &mut Rng, n: usize, distinct: usize) -> (Vec<f64>, Vec<u8>) {
        let specials = [0.0, -0.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 5e-324];
        let ord = (0..n)
            .map(|_| {
                let r = rng.next();
                if r.is_multiple_of(9) {
                    specials[r % specials.len()]
                } else {
                    (r % distinct) as f64 - (distinct / 2) as f64
                }
            })
            .collect();
        let classes = (0..n).map(|_| (rng.next() % 7 % 3) as u8).collect();
        (ord, classes)
    }

    fn run(keys: &[TopKKey<'_>], n: usize, sorted: usize, k: usize) -> Vec<u32> {
        let mut out = vec![u32::MAX; k.min(n)];
        let m = top_k_f64(keys, n, sorted, k, &mut out).unwrap();
        assert_eq!(m, out.len());
        out
    }

    #[test]
    fn equals_the_head_of_a_full_stable_sort() {
        let mut rng = Rng(7);
        for &n in &[0usize, 1, 2, 10, 100, 3000, 20_000] {
            for nkeys in 1..=3 {
                for distinct in [2usize, 50, 100_000] {
                    let cols: Vec<_> = (0..nkeys).map(|_| column(&mut rng, n, distinct)).collect();
                    for with_classes in [false, true] {
                        let keys: Vec<TopKKey> = cols
                            .iter()
                            .map(|(o, c)| TopKKey {
                                ord: o,
                                classes: with_classes.then_some(&c[..]),
                            })
                            .collect();
                        for k in [0usize, 1, 3, 10, 1500, 2500, n, n + 5] {
                            let expected = reference(&keys, n, k);
                            assert_eq!(run(&keys, n, 0, k), expected, "n={n} keys={nkeys} k={k}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn uses_a_sorted_prefix_as_its_first_threshold() {
        let mut rng = Rng(11);
        let n = 5000;
        let (o, c) = column(&mut rng, n, 40);
        let keys = [TopKKey {
            ord: &o,
            classes: Some(&c),
        }];
        for k in [1usize, 10, 100] {
            for prefix in [k, k + 7, 2 * k] {
                // Rows 0..prefix put in order, as sort keeps them between batches.
                let head = reference(&keys, prefix, prefix);
                let o2: Vec<f64> = head.iter().map(|&r| o[r as usize]).chain(o[prefix..].iter().copied()).collect();
                let c2: Vec<u8> = head.iter().map(|&r| c[r as usize]).chain(c[prefix..].iter().copied()).collect();
                let keys2 = [TopKKey {
                    ord: &o2,
                    classes: Some(&c2),
                }];
                assert_eq!(run(&keys2, n, prefix, k), reference(&keys2, n, k), "k={k} prefix={prefix}");
            }
        }
    }

    #[test]
    fn ties_keep_input_order_and_minus_zero_equals_zero() {
        let ord = [0.0, -0.0, 1.0, 0.0, -0.0, f64::NAN, -1.0];
        let keys = [TopKKey {
            ord: &ord,
            classes: None,
        }];
        assert_eq!(run(&keys, 7, 0, 4), [6, 0, 1, 3]);
        assert_eq!(run(&keys, 7, 0, 7), [6, 0, 1, 3, 4, 2, 5]);
        // No keys: input order.
        assert_eq!(run(&[], 7, 0, 3), [0, 1, 2]);
    }

    #[test]
    fn checks_lengths_before_writing() {
        let ord = [1.0, 2.0];
        let keys = [TopKKey {
            ord: &ord,
            classes: Some(&[0]),
        }];
        let mut out = [9u32; 2];
        assert!(matches!(
            top_k_f64(&keys, 2, 0, 2, &mut out),
            Err(CoreError::LengthMismatch { arg: "classes", .. })
        ));
        let keys = [TopKKey {
            ord: &ord,
            classes: None,
        }];
        assert!(matches!(
            top_k_f64(&keys, 3, 0, 1, &mut out),
            Err(CoreError::LengthMismatch { arg: "ord", .. })
        ));
        assert_eq!(
            top_k_f64(&keys, 2, 0, 5, &mut out[..1]),
            Err(CoreError::OutputTooShort { needed: 2, got: 1 })
        );
        assert_eq!(out, [9, 9]);
    }
}
