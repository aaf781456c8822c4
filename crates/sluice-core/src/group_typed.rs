//! Grouped count, null count, sum, min and max of one value column that may
//! have nulls, for float64, int32 and int64/timestamp values, scattered by
//! group id into the caller-owned state of `aggregate/aggregation.ts`.
//!
//! Each kernel updates the state exactly as the TypeScript twins in
//! `src/kernels/group-typed.ts` do, row by row in row order, so partials are
//! bit-identical whichever ran:
//! - every row adds 1 to `rows`; a null row adds 1 to `nulls` and nothing else;
//! - float64: `sum += v`, `min = v` when `v < min` or `v` is NaN (likewise max);
//! - int32: `sum += v` (exact: the caller keeps fewer than 2^21 rows between
//!   normalisations), min/max as doubles;
//! - int64: the low words (unsigned) into `sum`, the high words (signed) into
//!   `sum_hi` (the exact sum is hi·2^32 + lo), min/max stored as the value's
//!   bits in the slot, never through a float operation.

use crate::group::check_gids;
use crate::{check_column, CoreError};

/// Slots of the one value column within a group's `stride` slots; `None`
/// skips that accumulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TypedSlots {
    pub stride: usize,
    pub rows: Option<usize>,
    pub nulls: Option<usize>,
    /// float64 sum, int32 sum, or int64 low-word sum.
    pub sum: Option<usize>,
    /// int64 high-word sum (int64 only).
    pub sum_hi: Option<usize>,
    pub min: Option<usize>,
    pub max: Option<usize>,
}

impl TypedSlots {
    fn check(&self, state_len: usize) -> Result<usize, CoreError> {
        let s = self.stride;
        let all = [
            self.rows,
            self.nulls,
            self.sum,
            self.sum_hi,
            self.min,
            self.max,
        ];
        if s == 0 || all.iter().flatten().any(|&o| o >= s) {
            return Err(CoreError::BadSlots { stride: s });
        }
        Ok(state_len / s)
    }
}

fn check_args(
    rows: usize,
    validity: Option<&[u8]>,
    gids: &[i32],
    state_len: usize,
    slots: &TypedSlots,
) -> Result<(), CoreError> {
    if gids.len() != rows {
        return Err(CoreError::LengthMismatch {
            arg: "gids",
            needed: rows,
            got: gids.len(),
        });
    }
    check_column(rows, validity)?;
    let groups = slots.check(state_len)?;
    check_gids(gids, groups)
}

/// The shared row loop: counts rows and nulls, and calls `valid(state, base,
/// row)` for each valid row. Monomorphised per value type, so the closure
/// inlines.
#[inline(always)]
fn scatter<F: FnMut(&mut [f64], usize, usize)>(
    rows: usize,
    validity: Option<&[u8]>,
    gids: &[i32],
    state: &mut [f64],
    slots: &TypedSlots,
    mut valid: F,
) {
    let stride = slots.stride;
    // SAFETY (every unchecked access below): callers checked `gids.len() ==
    // rows`, every gid in `0..state.len() / stride` and every slot < stride.
    for i in 0..rows {
        let base = unsafe { *gids.get_unchecked(i) } as usize * stride;
        if let Some(r) = slots.rows {
            unsafe { *state.get_unchecked_mut(base + r) += 1.0 };
        }
        if let Some(bits) = validity {
            if bits[i >> 3] & (1 << (i & 7)) == 0 {
                if let Some(o) = slots.nulls {
                    unsafe { *state.get_unchecked_mut(base + o) += 1.0 };
                }
                continue;
            }
        }
        valid(state, base, i);
    }
}

/// Row count, null count, sum, min and max of a float64 column with nulls.
///
/// # Errors
/// [`CoreError::LengthMismatch`], [`CoreError::ValidityTooShort`],
/// [`CoreError::BadSlots`], [`CoreError::GroupOutOfRange`] — all before
/// anything is written.
pub fn grouped_stats_valid_f64(
    values: &[f64],
    validity: Option<&[u8]>,
    gids: &[i32],
    state: &mut [f64],
    slots: TypedSlots,
) -> Result<(), CoreError> {
    check_args(values.len(), validity, gids, state.len(), &slots)?;
    let (sum, min, max) = (slots.sum, slots.min, slots.max);
    scatter(
        values.len(),
        validity,
        gids,
        state,
        &slots,
        |st, base, i| {
            let v = unsafe { *values.get_unchecked(i) };
            unsafe {
                if let Some(o) = sum {
                    *st.get_unchecked_mut(base + o) += v;
                }
                if let Some(o) = min {
                    let m = st.get_unchecked_mut(base + o);
                    if v < *m || v.is_nan() {
                        *m = v;
                    }
                }
                if let Some(o) = max {
                    let m = st.get_unchecked_mut(base + o);
                    if v > *m || v.is_nan() {
                        *m = v;
                    }
                }
            }
        },
    );
    Ok(())
}

/// Row count, null count, exact sum (in one slot), min and max of an int32
/// column. The sum stays exact while fewer than 2^21 rows are added between
/// the caller's normalisations.
///
/// # Errors
/// As [`grouped_stats_valid_f64`].
pub fn grouped_stats_i32(
    values: &[i32],
    validity: Option<&[u8]>,
    gids: &[i32],
    state: &mut [f64],
    slots: TypedSlots,
) -> Result<(), CoreError> {
    check_args(values.len(), validity, gids, state.len(), &slots)?;
    let (sum, min, max) = (slots.sum, slots.min, slots.max);
    scatter(
        values.len(),
        validity,
        gids,
        state,
        &slots,
        |st, base, i| {
            let v = f64::from(unsafe { *values.get_unchecked(i) });
            unsafe {
                if let Some(o) = sum {
                    *st.get_unchecked_mut(base + o) += v;
                }
                if let Some(o) = min {
                    let m = st.get_unchecked_mut(base + o);
                    if v < *m {
                        *m = v;
                    }
                }
                if let Some(o) = max {
                    let m = st.get_unchecked_mut(base + o);
                    if v > *m {
                        *m = v;
                    }
                }
            }
        },
    );
    Ok(())
}

/// Row count, null count, exact sum as (low words, high words), min and max
/// (as the value's bits) of an int64/timestamp column. The sums stay exact
/// while fewer than 2^20 rows are added between the caller's normalisations.
///
/// # Errors
/// As [`grouped_stats_valid_f64`].
pub fn grouped_stats_i64(
    values: &[i64],
    validity: Option<&[u8]>,
    gids: &[i32],
    state: &mut [f64],
    slots: TypedSlots,
) -> Result<(), CoreError> {
    check_args(values.len(), validity, gids, state.len(), &slots)?;
    let (lo, hi, min, max) = (slots.sum, slots.sum_hi, slots.min, slots.max);
    scatter(
        values.len(),
        validity,
        gids,
        state,
        &slots,
        |st, base, i| {
            let v = unsafe { *values.get_unchecked(i) };
            unsafe {
                if let Some(o) = lo {
                    *st.get_unchecked_mut(base + o) += f64::from(v as u32);
                }
                if let Some(o) = hi {
                    *st.get_unchecked_mut(base + o) += f64::from((v >> 32) as i32);
                }
                // Word slots hold an i64's bits: read and written as integers so
                // that no float load or store can touch a NaN-looking pattern.
                let words = st.as_mut_ptr().cast::<i64>();
                if let Some(o) = min {
                    let m = words.add(base + o);
                    if v < *m {
                        *m = v;
                    }
                }
                if let Some(o) = max {
                    let m = words.add(base + o);
                    if v > *m {
                        *m = v;
                    }
                }
            }
        },
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLOTS: TypedSlots = TypedSlots {
        stride: 6,
        rows: Some(0),
        nulls: Some(1),
        sum: Some(2),
        sum_hi: Some(3),
        min: Some(4),
        max: Some(5),
    };

    fn empty_f64(groups: usize) -> Vec<f64> {
        (0..groups)
            .flat_map(|_| [0.0, 0.0, -0.0, 0.0, f64::INFINITY, f64::NEG_INFINITY])
            .collect()
    }

    #[test]
    fn float_nulls_counted_and_skipped() {
        let mut st = empty_f64(2);
        let slots = TypedSlots {
            sum_hi: None,
            ..SLOTS
        };
        // rows 1 and 3 null
        grouped_stats_valid_f64(
            &[1.0, 100.0, f64::NAN, -7.0, 2.0],
            Some(&[0b10101]),
            &[0, 0, 1, 1, 0],
            &mut st,
            slots,
        )
        .unwrap();
        assert_eq!(&st[..6], &[3.0, 1.0, 3.0, 0.0, 1.0, 2.0]);
        assert_eq!(&st[6..8], &[2.0, 1.0]);
        assert!(st[8].is_nan() && st[10].is_nan() && st[11].is_nan());
    }

    #[test]
    fn int32_sums_min_max() {
        let mut st = empty_f64(1);
        grouped_stats_i32(&[i32::MIN, 5, i32::MAX], None, &[0, 0, 0], &mut st, SLOTS).unwrap();
        assert_eq!(
            st,
            [3.0, 0.0, 4.0, 0.0, f64::from(i32::MIN), f64::from(i32::MAX)]
        );
    }

    #[test]
    fn int64_words_exact() {
        let mut st = empty_f64(1);
        let words = st.as_mut_ptr().cast::<i64>();
        unsafe {
            *words.add(4) = i64::MAX;
            *words.add(5) = i64::MIN;
        }
        let vals = [i64::MAX, -1, i64::MIN + 1, 0x7ff8_0000_0000_0001];
        grouped_stats_i64(&vals, None, &[0, 0, 0, 0], &mut st, SLOTS).unwrap();
        let exact: i128 = vals.iter().map(|&v| i128::from(v)).sum();
        let (lo, hi) = (st[2] as i128, st[3] as i128);
        assert_eq!(hi * (1 << 32) + lo, exact);
        let words: Vec<i64> = st.iter().map(|x| x.to_bits() as i64).collect();
        assert_eq!((words[4], words[5]), (i64::MIN + 1, i64::MAX));
    }

    /// One of the three kernels on `vals` (as f64, i32 or i64).
    fn run(
        kernel: usize,
        vals: &[i64],
        validity: Option<&[u8]>,
        gids: &[i32],
        st: &mut [f64],
    ) -> Result<(), CoreError> {
        match kernel {
            0 => {
                let v: Vec<f64> = vals.iter().map(|&x| x as f64 / 8.0).collect();
                let slots = TypedSlots {
                    sum_hi: None,
                    ..SLOTS
                };
                grouped_stats_valid_f64(&v, validity, gids, st, slots)
            }
            1 => {
                let v: Vec<i32> = vals.iter().map(|&x| x as i32).collect();
                grouped_stats_i32(&v, validity, gids, st, SLOTS)
            }
            _ => grouped_stats_i64(vals, validity, gids, st, SLOTS),
        }
    }

    fn bits(st: &[f64]) -> Vec<u64> {
        st.iter().map(|x| x.to_bits()).collect()
    }

    /// A whole column at once equals the same rows one call each, on a
    /// state of a few groups and one of thousands.
    #[test]
    fn whole_column_equals_row_by_row() {
        let mut next = crate::test_support::xorshift(0x7e57_ed00);
        let n: usize = 1000;
        for groups in [7, 1500] {
            let vals: Vec<i64> = (0..n).map(|_| next(1 << 40) as i64 - (1 << 39)).collect();
            let gids: Vec<i32> = (0..n).map(|_| next(groups as u64) as i32).collect();
            let validity: Vec<u8> = (0..n.div_ceil(8)).map(|_| next(256) as u8).collect();
            for kernel in 0..3 {
                let mut whole = empty_f64(groups);
                run(kernel, &vals, Some(&validity), &gids, &mut whole).unwrap();
                let mut rows = empty_f64(groups);
                for i in 0..n {
                    let bit = [(validity[i / 8] >> (i % 8)) & 1];
                    run(kernel, &vals[i..=i], Some(&bit), &gids[i..=i], &mut rows).unwrap();
                }
                assert_eq!(
                    bits(&whole),
                    bits(&rows),
                    "kernel {kernel}, {groups} groups"
                );
            }
        }
    }

    /// An id out of range near the end, in a valid row and in a null one,
    /// fails and leaves every slot untouched, on a small and a large state.
    #[test]
    fn bad_id_near_the_end_leaves_state_untouched() {
        let n: usize = 1000;
        let vals: Vec<i64> = (0..n as i64).map(|i| i * 3 - 700).collect();
        let validity = vec![0x7fu8; n.div_ceil(8)]; // row 999 null
        for len in [60, 9000, 24_581] {
            let groups = len / SLOTS.stride;
            for (row, gid) in [(998, groups as i32), (999, -1), (997, i32::MIN)] {
                let mut gids: Vec<i32> = (0..n).map(|i| (i % groups) as i32).collect();
                gids[row] = gid;
                for kernel in 0..3 {
                    let before: Vec<f64> = (0..len).map(|i| (i % 5) as f64 + 0.5).collect();
                    let mut st = before.clone();
                    assert_eq!(
                        run(kernel, &vals, Some(&validity), &gids, &mut st),
                        Err(CoreError::GroupOutOfRange { row, gid, groups }),
                        "kernel {kernel}, {len} slots"
                    );
                    assert_eq!(bits(&st), bits(&before), "kernel {kernel}, {len} slots");
                }
            }
        }
    }

    #[test]
    fn rejects_before_writing() {
        let mut st = empty_f64(1);
        let before = st.clone();
        assert!(matches!(
            grouped_stats_i32(&[1, 2], None, &[0, 1], &mut st, SLOTS),
            Err(CoreError::GroupOutOfRange { row: 1, .. })
        ));
        assert!(matches!(
            grouped_stats_i32(&[1; 9], Some(&[0xff]), &[0; 9], &mut st, SLOTS),
            Err(CoreError::ValidityTooShort { .. })
        ));
        let bad = TypedSlots {
            max: Some(6),
            ..SLOTS
        };
        assert_eq!(
            grouped_stats_i32(&[1], None, &[0], &mut st, bad),
            Err(CoreError::BadSlots { stride: 6 })
        );
        assert_eq!(st.len(), before.len());
        assert!(st
            .iter()
            .zip(&before)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
    }
}
