//! Take (compaction): copy the rows named by a selection into a new column.

use crate::CoreError;

/// Writes `values[indices[j]]` into `out[j]` for every `j`.
///
/// # Errors
/// [`CoreError::OutputTooShort`] if `out` is shorter than `indices`,
/// [`CoreError::IndexOutOfRange`] for an index `>= values.len()` (checked
/// before anything is written).
pub fn take<T: Copy>(values: &[T], indices: &[u32], out: &mut [T]) -> Result<(), CoreError> {
    check(values.len(), indices, out.len())?;
    for (o, &i) in out.iter_mut().zip(indices) {
        // SAFETY: every index was checked to be < values.len() by `check`.
        *o = unsafe { *values.get_unchecked(i as usize) };
    }
    Ok(())
}

/// Writes the validity bits of the rows `indices` (LSB-first) into `out`
/// (at least `ceil(indices.len() / 8)` bytes; trailing bits cleared) and
/// returns the number of null rows taken, so the caller can drop an all-valid
/// bitmap.
///
/// # Errors
/// As [`take`], with `validity` covering `rows` rows.
pub fn take_validity(
    validity: &[u8],
    rows: usize,
    indices: &[u32],
    out: &mut [u8],
) -> Result<usize, CoreError> {
    crate::check_column(rows, Some(validity))?;
    check(rows, indices, out.len() * 8)?;
    let needed = indices.len().div_ceil(8);
    if out.len() < needed {
        return Err(CoreError::OutputTooShort {
            needed,
            got: out.len(),
        });
    }
    out[..needed].fill(0);
    let mut valid = 0;
    for (j, &i) in indices.iter().enumerate() {
        let i = i as usize;
        let bit = (validity[i / 8] >> (i % 8)) & 1;
        out[j / 8] |= bit << (j % 8);
        valid += usize::from(bit);
    }
    Ok(indices.len() - valid)
}

fn check(rows: usize, indices: &[u32], room: usize) -> Result<(), CoreError> {
    if room < indices.len() {
        return Err(CoreError::OutputTooShort {
            needed: indices.len(),
            got: room,
        });
    }
    // One vectorisable pass for the maximum, then the precise place on failure.
    if indices.iter().copied().max().is_some_and(|m| m as usize >= rows) {
        let (at, &index) = indices
            .iter()
            .enumerate()
            .find(|&(_, &i)| i as usize >= rows)
            .expect("a maximum out of range is an index out of range");
        return Err(CoreError::IndexOutOfRange { at, index, rows });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_in_selection_order() {
        let mut out = [0.0; 3];
        take(&[1.5, -0.0, f64::NAN, 4.0], &[3, 1, 3], &mut out).unwrap();
        assert_eq!(out[0], 4.0);
        assert!(out[1] == 0.0 && out[1].is_sign_negative());
        let mut out = [0i64; 2];
        take(&[i64::MIN, i64::MAX], &[1, 0], &mut out).unwrap();
        assert_eq!(out, [i64::MAX, i64::MIN]);
    }

    #[test]
    fn rejects_bad_indices_before_writing() {
        let mut out = [7i32; 2];
        assert_eq!(
            take(&[1, 2], &[0, 2], &mut out),
            Err(CoreError::IndexOutOfRange {
                at: 1,
                index: 2,
                rows: 2
            })
        );
        assert_eq!(out, [7, 7]);
        assert_eq!(
            take(&[1, 2], &[0, 1], &mut [0]),
            Err(CoreError::OutputTooShort { needed: 2, got: 1 })
        );
    }

    #[test]
    fn validity_bits_follow_the_rows() {
        let mut out = [0xFFu8; 2];
        let nulls = take_validity(&[0b0000_0101], 3, &[2, 1, 0, 0, 1, 2, 2, 2, 1], &mut out).unwrap();
        assert_eq!(out, [0b1110_1101, 0b0000_0000]);
        assert_eq!(nulls, 3);
    }
}
