//! `eq`/`ne` of a utf8 column against a string, plain (offsets + bytes) or
//! dictionary-encoded (codes into a null-free utf8 dictionary).
//!
//! Strings compare by bytes: UTF-8 equality is byte equality. A dictionary
//! entry is compared once and the codes are then mapped through a table of
//! matches, so the cost per row is one byte lookup whatever the string length.

use crate::compare::select;
use crate::{check_column, CmpOp, CoreError};

/// The value bytes of row `i` of a utf8 column, or an error naming the row.
#[inline(always)]
fn value_at<'a>(offsets: &[i32], bytes: &'a [u8], i: usize) -> Result<&'a [u8], CoreError> {
    let (start, end) = (offsets[i], offsets[i + 1]);
    usize::try_from(start)
        .ok()
        .zip(usize::try_from(end).ok())
        .and_then(|(a, b)| bytes.get(a..b))
        .ok_or(CoreError::BadOffsets {
            row: i,
            start: i64::from(start),
            end: i64::from(end),
            bytes: bytes.len(),
        })
}

/// Rows of a utf8 column described by `offsets` (`offsets.len() - 1`, or 0 for no offsets).
fn rows_of(offsets: &[i32]) -> usize {
    offsets.len().saturating_sub(1)
}

fn check_eq_ne(op: CmpOp) -> Result<bool, CoreError> {
    match op {
        CmpOp::Eq => Ok(true),
        CmpOp::Ne => Ok(false),
        other => Err(CoreError::UnsupportedOp {
            op: other,
            column: "utf8",
        }),
    }
}

fn check_out(rows: usize, out: &[u32]) -> Result<(), CoreError> {
    if out.len() < rows {
        return Err(CoreError::OutputTooShort {
            needed: rows,
            got: out.len(),
        });
    }
    Ok(())
}

/// Selects the rows of a plain utf8 column whose value is (`eq`) or is not
/// (`ne`) `needle`; null rows never pass. Same output contract as
/// [`crate::compare_f64`]. Offsets need not start at 0 (slices share bytes).
///
/// # Errors
/// [`CoreError::UnsupportedOp`] for an op other than eq/ne,
/// [`CoreError::BadOffsets`] for offsets outside `bytes` or decreasing, plus
/// the errors of [`crate::compare_f64`].
pub fn compare_utf8(
    offsets: &[i32],
    bytes: &[u8],
    validity: Option<&[u8]>,
    op: CmpOp,
    needle: &[u8],
    out: &mut [u32],
) -> Result<usize, CoreError> {
    let eq = check_eq_ne(op)?;
    let rows = rows_of(offsets);
    check_column(rows, validity)?;
    check_out(rows, out)?;
    // The match flags are written into `out` and become the selection in
    // place: select_flags reads flag i before it writes any index at k <= i.
    for (i, slot) in out[..rows].iter_mut().enumerate() {
        *slot = u32::from((value_at(offsets, bytes, i)? == needle) == eq);
    }
    Ok(select_flags(&mut out[..rows], validity))
}

/// Selects the rows of a dictionary-encoded utf8 column (codes into a
/// null-free `dictionary_offsets`/`dictionary_bytes` column) whose string is
/// (`eq`) or is not (`ne`) `needle`; null rows never pass.
///
/// # Errors
/// [`CoreError::CodeOutOfRange`] for a code outside the dictionary (on any
/// row, valid or null), and the errors of [`compare_utf8`].
pub fn compare_dictionary(
    codes: &[i32],
    dictionary_offsets: &[i32],
    dictionary_bytes: &[u8],
    validity: Option<&[u8]>,
    op: CmpOp,
    needle: &[u8],
    out: &mut [u32],
) -> Result<usize, CoreError> {
    let eq = check_eq_ne(op)?;
    let rows = codes.len();
    check_column(rows, validity)?;
    check_out(rows, out)?;
    let entries = rows_of(dictionary_offsets);
    let mut matches = Vec::with_capacity(entries);
    for e in 0..entries {
        matches.push(u8::from((value_at(dictionary_offsets, dictionary_bytes, e)? == needle) == eq));
    }
    if let Some((row, &code)) = codes
        .iter()
        .enumerate()
        .find(|&(_, &c)| usize::try_from(c).map_or(true, |c| c >= entries))
    {
        return Err(CoreError::CodeOutOfRange { row, code, entries });
    }
    // Every code was checked to be in 0..entries just above.
    Ok(select(codes, validity, &mut out[..rows], |c: i32| {
        matches[c as usize] != 0
    }))
}

/// Turns per-row 0/1 flags held in `flags` into the selection of flagged valid rows, in place.
fn select_flags(flags: &mut [u32], validity: Option<&[u8]>) -> usize {
    let mut k = 0;
    for i in 0..flags.len() {
        let valid = validity.is_none_or(|b| (b[i / 8] >> (i % 8)) & 1 == 1);
        let pass = flags[i] != 0 && valid;
        // k <= i: writing index i at k never clobbers a flag not yet read.
        flags[k] = i as u32;
        k += usize::from(pass);
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf8(values: &[&str]) -> (Vec<i32>, Vec<u8>) {
        let mut offsets = vec![0];
        let mut bytes = Vec::new();
        for v in values {
            bytes.extend_from_slice(v.as_bytes());
            offsets.push(bytes.len() as i32);
        }
        (offsets, bytes)
    }

    #[test]
    fn plain_eq_and_ne_skip_nulls() {
        let (o, b) = utf8(&["a", "bb", "", "a", "é"]);
        let mut out = [0u32; 5];
        let n = compare_utf8(&o, &b, None, CmpOp::Eq, b"a", &mut out).unwrap();
        assert_eq!(&out[..n], [0, 3]);
        let n = compare_utf8(&o, &b, Some(&[0b10110]), CmpOp::Ne, b"a", &mut out).unwrap();
        assert_eq!(&out[..n], [1, 2, 4]);
        let n = compare_utf8(&o, &b, None, CmpOp::Eq, "é".as_bytes(), &mut out).unwrap();
        assert_eq!(&out[..n], [4]);
        let n = compare_utf8(&o, &b, None, CmpOp::Eq, b"", &mut out).unwrap();
        assert_eq!(&out[..n], [2]);
    }

    #[test]
    fn offsets_need_not_start_at_zero() {
        let (o, b) = utf8(&["x", "a", "b", "a"]);
        let mut out = [0u32; 3];
        let n = compare_utf8(&o[1..], &b, None, CmpOp::Eq, b"a", &mut out).unwrap();
        assert_eq!(&out[..n], [0, 2]);
    }

    #[test]
    fn dictionary_maps_codes() {
        let (o, b) = utf8(&["cat_00", "cat_01", "cat_02"]);
        let codes = [2, 0, 1, 2, 2];
        let mut out = [0u32; 5];
        let n = compare_dictionary(&codes, &o, &b, None, CmpOp::Eq, b"cat_02", &mut out).unwrap();
        assert_eq!(&out[..n], [0, 3, 4]);
        let n =
            compare_dictionary(&codes, &o, &b, Some(&[0b01110]), CmpOp::Ne, b"cat_02", &mut out)
                .unwrap();
        assert_eq!(&out[..n], [1, 2]);
    }

    #[test]
    fn errors() {
        let (o, b) = utf8(&["a"]);
        let mut out = [0u32; 1];
        assert_eq!(
            compare_utf8(&o, &b, None, CmpOp::Gt, b"a", &mut out),
            Err(CoreError::UnsupportedOp {
                op: CmpOp::Gt,
                column: "utf8"
            })
        );
        assert!(matches!(
            compare_utf8(&[0, 5], &b, None, CmpOp::Eq, b"a", &mut out),
            Err(CoreError::BadOffsets { row: 0, .. })
        ));
        assert!(matches!(
            compare_utf8(&[1, 0], &b, None, CmpOp::Eq, b"a", &mut out),
            Err(CoreError::BadOffsets { row: 0, .. })
        ));
        assert_eq!(
            compare_dictionary(&[1], &o, &b, None, CmpOp::Eq, b"a", &mut out),
            Err(CoreError::CodeOutOfRange {
                row: 0,
                code: 1,
                entries: 1
            })
        );
    }
}
