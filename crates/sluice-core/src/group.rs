//! Grouped aggregation of a float64 column: row count, sum, min and max per
//! group, scattered into a caller-owned state by group id.
//!
//! The state layout is the TypeScript aggregation's (`aggregate/aggregation.ts`):
//! `stride` f64 slots per group, group `g`'s slot `o` at `g * stride + o`. The
//! kernel updates the state exactly as the TypeScript `statsF64` does — in row
//! order, `sum += v`, `min = v` when `v < min` or `v` is NaN (and likewise
//! max) — so the two give bit-identical partials, which then merge and finish
//! in TypeScript.

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

/// Checks that every group id is in `0..groups`, naming the first one
/// outside.
pub(crate) fn check_gids(gids: &[i32], groups: usize) -> Result<(), CoreError> {
    match first_bad_gid(gids, groups) {
        Some((row, gid)) => Err(CoreError::GroupOutOfRange { row, gid, groups }),
        None => Ok(()),
    }
}

/// The first id of `gids` outside `0..groups`, with its index.
#[inline(always)]
fn first_bad_gid(gids: &[i32], groups: usize) -> Option<(usize, i32)> {
    // As u32 a negative id is >= 2^31 >= limit: one unsigned compare per id.
    let limit = groups.min(1 << 31) as u32;
    let bad = gids.iter().fold(false, |bad, &g| bad | (g as u32 >= limit));
    if !bad {
        return None;
    }
    gids.iter()
        .position(|&g| g as u32 >= limit)
        .map(|i| (i, gids[i]))
}

/// Rows per chunk of the fused kernel: ids checked 64 at a time while they
/// are in L1, one `u64` of the selection mask, and one `u64` of the validity
/// bitmap (a chunk starts on a bitmap byte).
const CHUNK: usize = 64;

/// The largest state (in f64 slots, 64 KiB) the fused kernel accumulates
/// into a scratch copy. Checking each chunk's ids as it goes saves a whole pass over
/// `gids`, but a bad id is then found after earlier chunks were added: into a
/// scratch copy, dropped on error, so the state is still untouched. A larger
/// state would cost more to copy than the pass it saves on a batch, so its
/// ids are checked up front instead.
pub(crate) const SCRATCH_MAX_SLOTS: usize = 64 * 1024 / 8;

/// Runs the fused kernel's pass so that an error leaves `state` untouched: for a
/// small state, `checked` (which checks each chunk's ids before adding it)
/// into a scratch copy kept only on success; otherwise the ids are checked
/// up front and `unchecked` adds into `state` directly.
#[inline(always)]
fn all_or_nothing(
    state: &mut [f64],
    gids: &[i32],
    groups: usize,
    checked: impl FnOnce(&mut [f64]) -> Result<(), CoreError>,
    unchecked: impl FnOnce(&mut [f64]) -> Result<(), CoreError>,
) -> Result<(), CoreError> {
    if state.len() <= SCRATCH_MAX_SLOTS {
        let mut scratch = state.to_vec();
        checked(&mut scratch)?;
        state.copy_from_slice(&scratch);
    } else {
        check_gids(gids, groups)?;
        unchecked(state)?;
    }
    Ok(())
}

/// Checks one chunk's ids (rows `start..`) when `CHECK`, before the chunk
/// is added.
#[inline(always)]
fn check_chunk<const CHECK: bool>(
    gids: &[i32],
    start: usize,
    groups: usize,
) -> Result<(), CoreError> {
    if CHECK {
        if let Some((j, gid)) = first_bad_gid(gids, groups) {
            return Err(CoreError::GroupOutOfRange {
                row: start + j,
                gid,
                groups,
            });
        }
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
/// [`CoreError::GroupOutOfRange`] for an id outside the state; an error
/// leaves `state` untouched.
pub fn grouped_stats_f64(
    values: &[f64],
    gids: &[i32],
    state: &mut [f64],
    slots: StatsSlots,
) -> Result<(), CoreError> {
    check_lengths(values, gids)?;
    let groups = slots.check(state.len())?;
    // The ids are checked in a pass of their own, not chunk by chunk into a
    // scratch copy as the fused kernel does: that measured slower here
    // through the addon (profiles/fused-kernel/README.md).
    check_gids(gids, groups)?;
    for (&v, &g) in values.iter().zip(gids) {
        update(state, g as usize * slots.stride, v, &slots);
    }
    Ok(())
}

/// The rows of a chunk that pass `pred`, as bit `j` for row `j`. The
/// comparisons go to a byte per row (a vectorised compare and pack), then
/// each 8 bytes of 0/1 become 8 bits by one multiply: byte `i` lands on bit
/// `56 + i` and no two partial products overlap.
#[inline(always)]
fn pass_mask<P: Fn(f64) -> bool>(chunk: &[f64], pred: &P) -> u64 {
    let mut bytes = [0u8; CHUNK];
    for (b, &x) in bytes.iter_mut().zip(chunk) {
        *b = u8::from(pred(x));
    }
    let mut m = 0u64;
    for (k, word) in bytes.as_chunks::<8>().0.iter().enumerate() {
        let packed = u64::from_le_bytes(*word).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        m |= packed << (8 * k);
    }
    m
}

/// The validity bits of the chunk starting at row `start` (a multiple of 8),
/// all set when there is no bitmap; bits past the column's end are garbage
/// and must be masked by the caller.
#[inline(always)]
fn valid_mask(validity: Option<&[u8]>, start: usize) -> u64 {
    match validity {
        None => u64::MAX,
        Some(bitmap) => {
            let bytes = &bitmap[start / 8..];
            match bytes.first_chunk::<8>() {
                Some(word) => u64::from_le_bytes(*word),
                None => {
                    let mut word = [0u8; 8];
                    word[..bytes.len()].copy_from_slice(bytes);
                    u64::from_le_bytes(word)
                }
            }
        }
    }
}

/// The fused kernel's one pass: per chunk of 64 rows, the ids checked (when
/// `CHECK`), the pass mask of the values ANDed with the validity, then an
/// update per set bit, lowest first, so rows are added in row order.
#[inline(always)]
fn filter_scatter<const CHECK: bool, P: Fn(f64) -> bool>(
    values: &[f64],
    validity: Option<&[u8]>,
    gids: &[i32],
    pred: P,
    state: &mut [f64],
    slots: &StatsSlots,
    groups: usize,
) -> Result<(), CoreError> {
    for (c, (chunk, chunk_gids)) in values.chunks(CHUNK).zip(gids.chunks(CHUNK)).enumerate() {
        let start = c * CHUNK;
        check_chunk::<CHECK>(chunk_gids, start, groups)?;
        let mut m = pass_mask(chunk, &pred) & valid_mask(validity, start);
        while m != 0 {
            let j = m.trailing_zeros() as usize;
            m &= m - 1;
            // SAFETY: `j < chunk.len()`: only the chunk's rows set bits of the
            // pass mask; `chunk_gids` has the same length.
            let (v, g) = unsafe { (*chunk.get_unchecked(j), *chunk_gids.get_unchecked(j)) };
            update(state, g as usize * slots.stride, v, slots);
        }
    }
    Ok(())
}

/// The fused filter + group-by: adds the rows where `values[i] <op> threshold`
/// holds (and the row is valid) to their group's count, sum, min and max, in
/// row order, without materialising the filtered column.
///
/// Equal, bit for bit, to [`crate::compare_f64`] followed by a take of
/// `values` and `gids` and [`grouped_stats_f64`]. One pass over the values
/// and the ids, 64 rows at a time: a branch-free comparison into a bit mask,
/// then an update per set bit.
///
/// # Errors
/// As [`grouped_stats_f64`] and [`crate::compare_f64`]. Every id is checked,
/// the unselected rows' too, and an error leaves `state` untouched.
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
    all_or_nothing(
        state,
        gids,
        groups,
        |st| filter_op::<true>(values, validity, gids, op, threshold, st, &slots, groups),
        |st| filter_op::<false>(values, validity, gids, op, threshold, st, &slots, groups),
    )
}

/// [`filter_scatter`] with the comparison `op` compiled in.
#[allow(clippy::too_many_arguments)]
fn filter_op<const CHECK: bool>(
    values: &[f64],
    validity: Option<&[u8]>,
    gids: &[i32],
    op: CmpOp,
    t: f64,
    state: &mut [f64],
    slots: &StatsSlots,
    groups: usize,
) -> Result<(), CoreError> {
    match op {
        CmpOp::Gt => {
            filter_scatter::<CHECK, _>(values, validity, gids, |x| x > t, state, slots, groups)
        }
        CmpOp::Gte => {
            filter_scatter::<CHECK, _>(values, validity, gids, |x| x >= t, state, slots, groups)
        }
        CmpOp::Lt => {
            filter_scatter::<CHECK, _>(values, validity, gids, |x| x < t, state, slots, groups)
        }
        CmpOp::Lte => {
            filter_scatter::<CHECK, _>(values, validity, gids, |x| x <= t, state, slots, groups)
        }
        CmpOp::Eq => {
            filter_scatter::<CHECK, _>(values, validity, gids, |x| x == t, state, slots, groups)
        }
        CmpOp::Ne => {
            filter_scatter::<CHECK, _>(values, validity, gids, |x| x != t, state, slots, groups)
        }
    }
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

    /// compare_f64, a take of values and ids, then grouped_stats_f64: what
    /// the fused kernel must equal bit for bit.
    fn filter_then_group(
        values: &[f64],
        validity: Option<&[u8]>,
        gids: &[i32],
        op: CmpOp,
        t: f64,
        state: &mut [f64],
    ) -> Result<(), CoreError> {
        let mut sel = vec![0u32; values.len()];
        let k = crate::compare_f64(values, validity, op, t, &mut sel)?;
        let v: Vec<f64> = sel[..k].iter().map(|&i| values[i as usize]).collect();
        let g: Vec<i32> = sel[..k].iter().map(|&i| gids[i as usize]).collect();
        grouped_stats_f64(&v, &g, state, SLOTS)
    }

    /// The state bit for bit, except that every NaN is one: which NaN a
    /// sum like `-NaN + NaN` gives depends on the operand order, which the
    /// compiler may swap (fadd commutes); in an optimised build the fused
    /// and the two-step kernel did get NaNs of opposite sign.
    fn bits(state: &[f64]) -> Vec<u64> {
        state
            .iter()
            .map(|x| {
                if x.is_nan() {
                    f64::NAN.to_bits()
                } else {
                    x.to_bits()
                }
            })
            .collect()
    }

    /// A state of `len` slots that is not the empty one, so that a write of
    /// an update (even of -0.0 over 0.0) shows.
    fn used_state(len: usize) -> Vec<f64> {
        (0..len).map(|i| (i % 7) as f64 - 3.0).collect()
    }

    #[test]
    fn fused_equals_filter_then_group() {
        let n: usize = 10_000;
        let values: Vec<f64> = (0..n).map(|i| ((i * 7919) % 1000) as f64 / 10.0).collect();
        let gids: Vec<i32> = (0..n).map(|i| ((i * 31) % 50) as i32).collect();
        let validity: Vec<u8> = (0..n.div_ceil(8))
            .map(|i| (i * 37 % 256) as u8 | 1)
            .collect();
        for op in CmpOp::ALL {
            let mut fused = empty(50);
            filter_grouped_stats_f64(&values, Some(&validity), &gids, op, 90.0, &mut fused, SLOTS)
                .unwrap();
            let mut twostep = empty(50);
            filter_then_group(&values, Some(&validity), &gids, op, 90.0, &mut twostep).unwrap();
            assert_eq!(bits(&fused), bits(&twostep), "{op}");
        }
    }

    /// Up to 299 rows of `value()` in random groups: a few groups in even
    /// cases, `large` groups in odd ones. Returns the group count, values and ids.
    fn random_rows(
        next: &mut impl FnMut(u64) -> u64,
        case: usize,
        large: usize,
        mut value: impl FnMut(&mut dyn FnMut(u64) -> u64) -> f64,
    ) -> (usize, Vec<f64>, Vec<i32>) {
        let n = next(300) as usize;
        let groups = if case.is_multiple_of(2) {
            1 + next(5) as usize
        } else {
            large
        };
        let values: Vec<f64> = (0..n).map(|_| value(next)).collect();
        let gids = (0..n).map(|_| next(groups as u64) as i32).collect();
        (groups, values, gids)
    }

    /// Random lengths across chunk edges, NaN, ±0 and ±Infinity in values
    /// and threshold, with and without nulls, a state under and one over
    /// SCRATCH_MAX_SLOTS (the two ways the kernel keeps an error atomic).
    #[test]
    fn fused_equals_filter_then_group_on_random_columns() {
        const POOL: [f64; 9] = [
            f64::NAN,
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1.5,
            -2.25,
            90.0,
            1e300,
        ];
        let mut next = crate::test_support::xorshift(0x5eed_f05e);
        let large = SCRATCH_MAX_SLOTS / SLOTS.stride + 3;
        for case in 0..600 {
            let (groups, values, gids) =
                random_rows(&mut next, case, large, |next| match next(3) {
                    0 => POOL[next(POOL.len() as u64) as usize],
                    _ => next(200) as f64 / 2.0 - 50.0,
                });
            let n = values.len();
            let validity: Option<Vec<u8>> =
                (next(2) == 0).then(|| (0..n.div_ceil(8)).map(|_| next(256) as u8).collect());
            let t = match next(2) {
                0 => POOL[next(POOL.len() as u64) as usize],
                _ => next(200) as f64 / 2.0 - 50.0,
            };
            let op = CmpOp::ALL[next(CmpOp::ALL.len() as u64) as usize];
            let mut fused = empty(groups);
            filter_grouped_stats_f64(
                &values,
                validity.as_deref(),
                &gids,
                op,
                t,
                &mut fused,
                SLOTS,
            )
            .unwrap();
            let mut twostep = empty(groups);
            filter_then_group(&values, validity.as_deref(), &gids, op, t, &mut twostep).unwrap();
            assert_eq!(
                bits(&fused),
                bits(&twostep),
                "case {case}: {n} rows, {op} {t}"
            );
        }
    }

    /// An id out of range in the last chunk (after many chunks were added),
    /// in a selected row and in an unselected one, fails as grouped_stats_f64
    /// does on the same ids and leaves every slot untouched; state sizes on
    /// both sides of SCRATCH_MAX_SLOTS and at it, one with a slot past the
    /// last whole group.
    #[test]
    fn bad_id_in_last_chunk_leaves_state_untouched() {
        let n = 1000; // 15 whole chunks and 40 rows
        for len in [
            200,
            SCRATCH_MAX_SLOTS - 1,
            SCRATCH_MAX_SLOTS,
            SCRATCH_MAX_SLOTS + 1,
            SCRATCH_MAX_SLOTS + 4,
            4 * SCRATCH_MAX_SLOTS,
        ] {
            let groups = len / SLOTS.stride;
            let values: Vec<f64> = (0..n).map(|i| (i % 100) as f64).collect();
            let gids: Vec<i32> = (0..n).map(|i| (i % groups) as i32).collect();
            let validity = vec![0xefu8; n.div_ceil(8)];
            // Under `> 80`, rows 998 and 999 are selected, row 996 is null
            // and row 970 (value 70) fails; the ids are just past the
            // state, negative and the extremes.
            for (row, bad) in [
                (998, groups as i32),
                (996, -1),
                (970, i32::MAX),
                (999, i32::MIN),
            ] {
                let mut ids = gids.clone();
                ids[row] = bad;
                let before = used_state(len);
                let mut st = before.clone();
                let got = filter_grouped_stats_f64(
                    &values,
                    Some(&validity),
                    &ids,
                    CmpOp::Gt,
                    80.0,
                    &mut st,
                    SLOTS,
                );
                let mut unfused = before.clone();
                let expected = grouped_stats_f64(&values, &ids, &mut unfused, SLOTS);
                assert_eq!(
                    bits(&unfused),
                    bits(&before),
                    "grouped_stats_f64, {len} slots"
                );
                assert_eq!(
                    got,
                    Err(CoreError::GroupOutOfRange {
                        row,
                        gid: bad,
                        groups
                    }),
                    "{len} slots"
                );
                assert_eq!(got, expected, "{len} slots");
                assert_eq!(
                    bits(&st),
                    bits(&before),
                    "{len} slots, id {bad} at row {row}"
                );
            }
            // The first bad id is the one named, and the same ids in range
            // add exactly what the two-step path adds.
            let mut ids = gids.clone();
            ids[3] = -5;
            ids[900] = -6;
            let mut st = used_state(len);
            assert_eq!(
                filter_grouped_stats_f64(&values, None, &ids, CmpOp::Lt, 10.0, &mut st, SLOTS),
                Err(CoreError::GroupOutOfRange {
                    row: 3,
                    gid: -5,
                    groups
                })
            );
            let mut fused = used_state(len);
            filter_grouped_stats_f64(
                &values,
                Some(&validity),
                &gids,
                CmpOp::Gt,
                80.0,
                &mut fused,
                SLOTS,
            )
            .unwrap();
            let mut twostep = used_state(len);
            filter_then_group(
                &values,
                Some(&validity),
                &gids,
                CmpOp::Gt,
                80.0,
                &mut twostep,
            )
            .unwrap();
            assert_eq!(bits(&fused), bits(&twostep), "{len} slots");
            assert_ne!(
                bits(&fused),
                bits(&used_state(len)),
                "{len} slots: rows were added"
            );
        }
    }

    /// grouped_stats_f64 against the update rule written out row by row, on
    /// a state of a few groups and one of thousands.
    #[test]
    fn grouped_equals_row_by_row() {
        let mut next = crate::test_support::xorshift(0x0dd_5eed);
        for case in 0..200 {
            let (groups, values, gids) =
                random_rows(&mut next, case, SCRATCH_MAX_SLOTS, |next| match next(8) {
                    0 => f64::NAN,
                    1 => -0.0,
                    _ => next(200) as f64 / 4.0 - 25.0,
                });
            let n = values.len();
            let mut expected = empty(groups);
            for (&v, &g) in values.iter().zip(&gids) {
                let s = &mut expected[g as usize * 4..][..4];
                s[0] += 1.0;
                s[1] += v;
                if v < s[2] || v.is_nan() {
                    s[2] = v;
                }
                if v > s[3] || v.is_nan() {
                    s[3] = v;
                }
            }
            let mut st = empty(groups);
            grouped_stats_f64(&values, &gids, &mut st, SLOTS).unwrap();
            assert_eq!(bits(&st), bits(&expected), "case {case}: {n} rows");
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
