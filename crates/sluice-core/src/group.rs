//! Grouped aggregation of a float64 column: row count, sum, min and max per
//! group, scattered into a caller-owned state by group id.
//!
//! The state layout is the TypeScript aggregation's (`aggregate/aggregation.ts`):
//! `stride` f64 slots per group, group `g`'s slot `o` at `g * stride + o`. The
//! kernel updates the state exactly as the TypeScript `statsF64` does — in row
//! order, `sum += v`, `min = v` when `v < min` or `v` is NaN (and likewise
//! max) — so the two give bit-identical partials, which then merge and finish
//! in TypeScript.

use crate::compare::select;
use crate::{check_column, CmpOp, CoreError};

/// Where the accumulators of the one value column live within a group's slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatsSlots {
    pub stride: usize,
    /// The row count slot, or `None` when another kernel counts rows.
    pub rows: Option<usize>,
    pub sum: usize,
    pub min: usize,
    pub max: usize,
}

impl StatsSlots {
    fn check(&self, state_len: usize) -> Result<usize, CoreError> {
        let stride = self.stride;
        let slots = [self.rows.unwrap_or(0), self.sum, self.min, self.max];
        if stride == 0 || slots.iter().any(|&s| s >= stride) {
            return Err(CoreError::BadSlots { stride });
        }
        Ok(state_len / stride)
    }
}

/// Checks that every group id is in `0..groups`.
fn check_gids(gids: &[i32], groups: usize) -> Result<(), CoreError> {
    let (lo, hi) = gids
        .iter()
        .fold((i32::MAX, i32::MIN), |(lo, hi), &g| (lo.min(g), hi.max(g)));
    if !gids.is_empty() && (lo < 0 || hi as usize >= groups) {
        let (row, &gid) = gids
            .iter()
            .enumerate()
            .find(|&(_, &g)| g < 0 || g as usize >= groups)
            .expect("an id out of range was seen");
        return Err(CoreError::GroupOutOfRange { row, gid, groups });
    }
    Ok(())
}

fn check_lengths(values: &[f64], gids: &[i32]) -> Result<(), CoreError> {
    if gids.len() != values.len() {
        return Err(CoreError::LengthMismatch {
            arg: "gids",
            needed: values.len(),
            got: gids.len(),
        });
    }
    check_column(values.len(), None)
}

/// One row's update; `base = gid * stride`, in bounds (checked by the callers).
#[inline(always)]
fn update(state: &mut [f64], base: usize, v: f64, s: &StatsSlots) {
    // SAFETY (for every unchecked access): callers check `gid < groups`, so
    // `base + slot < groups * stride <= state.len()` for every slot < stride.
    unsafe {
        if let Some(r) = s.rows {
            *state.get_unchecked_mut(base + r) += 1.0;
        }
        *state.get_unchecked_mut(base + s.sum) += v;
        let m = state.get_unchecked_mut(base + s.min);
        if v < *m || v.is_nan() {
            *m = v;
        }
        let m = state.get_unchecked_mut(base + s.max);
        if v > *m || v.is_nan() {
            *m = v;
        }
    }
}

/// Adds every row of a null-free float column to its group's count, sum,
/// min and max.
///
/// # Errors
/// [`CoreError::LengthMismatch`] when `gids` and `values` differ in length,
/// [`CoreError::BadSlots`] for a slot outside the stride,
/// [`CoreError::GroupOutOfRange`] for an id outside the state (checked
/// before anything is written).
pub fn grouped_stats_f64(
    values: &[f64],
    gids: &[i32],
    state: &mut [f64],
    slots: StatsSlots,
) -> Result<(), CoreError> {
    check_lengths(values, gids)?;
    let groups = slots.check(state.len())?;
    check_gids(gids, groups)?;
    for (&v, &g) in values.iter().zip(gids) {
        update(state, g as usize * slots.stride, v, &slots);
    }
    Ok(())
}

/// Rows per block of the fused kernel: the block's selection lives on the
/// stack (16 KiB) and its values stay in L1/L2 between the two passes.
const BLOCK: usize = 4096;

/// The fused filter + group-by: adds the rows where `values[i] <op> threshold`
/// holds (and the row is valid) to their group's count, sum, min and max, in
/// row order, without materialising the filtered column.
///
/// Equal, bit for bit, to [`crate::compare_f64`] followed by a take of
/// `values` and `gids` and [`grouped_stats_f64`]. Works block by block: a
/// branch-free selection of the block, then the scatter of its rows.
///
/// # Errors
/// As [`grouped_stats_f64`] and [`crate::compare_f64`].
pub fn filter_grouped_stats_f64(
    values: &[f64],
    validity: Option<&[u8]>,
    gids: &[i32],
    op: CmpOp,
    threshold: f64,
    state: &mut [f64],
    slots: StatsSlots,
) -> Result<(), CoreError> {
    check_lengths(values, gids)?;
    check_column(values.len(), validity)?;
    let groups = slots.check(state.len())?;
    check_gids(gids, groups)?;
    let t = threshold;
    let mut selection = [0u32; BLOCK];
    for (b, block) in values.chunks(BLOCK).enumerate() {
        let start = b * BLOCK;
        // BLOCK is a multiple of 8, so the block's validity starts on a byte.
        let bits = validity.map(|v| &v[start / 8..(start + block.len()).div_ceil(8)]);
        let out = &mut selection[..block.len()];
        let n = match op {
            CmpOp::Gt => select(block, bits, out, |x| x > t),
            CmpOp::Gte => select(block, bits, out, |x| x >= t),
            CmpOp::Lt => select(block, bits, out, |x| x < t),
            CmpOp::Lte => select(block, bits, out, |x| x <= t),
            CmpOp::Eq => select(block, bits, out, |x| x == t),
            CmpOp::Ne => select(block, bits, out, |x| x != t),
        };
        let block_gids = &gids[start..start + block.len()];
        for &j in &selection[..n] {
            let j = j as usize;
            // SAFETY: `j < block.len()`: select writes only indices of its input.
            let (v, g) = unsafe { (*block.get_unchecked(j), *block_gids.get_unchecked(j)) };
            update(state, g as usize * slots.stride, v, &slots);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLOTS: StatsSlots = StatsSlots {
        stride: 4,
        rows: Some(0),
        sum: 1,
        min: 2,
        max: 3,
    };

    fn empty(groups: usize) -> Vec<f64> {
        (0..groups)
            .flat_map(|_| [0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY])
            .collect()
    }

    #[test]
    fn count_sum_min_max_per_group() {
        let mut st = empty(2);
        grouped_stats_f64(&[1.0, 5.0, 2.0, -3.0], &[0, 1, 0, 1], &mut st, SLOTS).unwrap();
        assert_eq!(st, [2.0, 3.0, 1.0, 2.0, 2.0, 2.0, -3.0, 5.0]);
    }

    #[test]
    fn nan_sticks_in_min_and_max() {
        let mut st = empty(1);
        grouped_stats_f64(&[1.0, f64::NAN, 0.5], &[0, 0, 0], &mut st, SLOTS).unwrap();
        assert!(st[1].is_nan() && st[2].is_nan() && st[3].is_nan());
    }

    #[test]
    fn fused_equals_filter_then_group() {
        let n: usize = 10_000;
        let values: Vec<f64> = (0..n).map(|i| ((i * 7919) % 1000) as f64 / 10.0).collect();
        let gids: Vec<i32> = (0..n).map(|i| ((i * 31) % 50) as i32).collect();
        let validity: Vec<u8> = (0..n.div_ceil(8)).map(|i| (i * 37 % 256) as u8 | 1).collect();
        for op in CmpOp::ALL {
            let mut fused = empty(50);
            filter_grouped_stats_f64(&values, Some(&validity), &gids, op, 90.0, &mut fused, SLOTS)
                .unwrap();
            let mut sel = vec![0u32; n];
            let k = crate::compare_f64(&values, Some(&validity), op, 90.0, &mut sel).unwrap();
            let v: Vec<f64> = sel[..k].iter().map(|&i| values[i as usize]).collect();
            let g: Vec<i32> = sel[..k].iter().map(|&i| gids[i as usize]).collect();
            let mut twostep = empty(50);
            grouped_stats_f64(&v, &g, &mut twostep, SLOTS).unwrap();
            assert_eq!(
                fused.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                twostep.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                "{op}"
            );
        }
    }

    #[test]
    fn rejects_bad_ids_slots_and_lengths() {
        let mut st = empty(2);
        assert_eq!(
            grouped_stats_f64(&[1.0, 2.0], &[0, 2], &mut st, SLOTS),
            Err(CoreError::GroupOutOfRange {
                row: 1,
                gid: 2,
                groups: 2
            })
        );
        assert_eq!(
            grouped_stats_f64(&[1.0], &[-1], &mut st, SLOTS),
            Err(CoreError::GroupOutOfRange {
                row: 0,
                gid: -1,
                groups: 2
            })
        );
        let bad = StatsSlots { max: 4, ..SLOTS };
        assert_eq!(
            grouped_stats_f64(&[1.0], &[0], &mut st, bad),
            Err(CoreError::BadSlots { stride: 4 })
        );
        assert_eq!(
            grouped_stats_f64(&[1.0], &[0, 0], &mut st, SLOTS),
            Err(CoreError::LengthMismatch {
                arg: "gids",
                needed: 1,
                got: 2
            })
        );
        assert_eq!(st, empty(2));
    }
}
