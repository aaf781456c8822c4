//! Comparison kernels: select the rows where `value <op> threshold` holds.

use std::fmt;
use std::str::FromStr;

use crate::{check_column, CoreError};

/// A comparison operator, applied as `value <op> threshold`.
///
/// Comparisons follow IEEE 754 exactly as Rust's (and JS's) `>`, `>=`, `<`,
/// `<=`, `==`, `!=` do: any comparison with a NaN operand is false except
/// [`CmpOp::Ne`], which is true; `-0.0 == 0.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Gt,
    Gte,
    Lt,
    Lte,
    Eq,
    Ne,
}

impl CmpOp {
    /// Every operator, in the order of [`CmpOp::NAMES`].
    pub const ALL: [CmpOp; 6] = [
        CmpOp::Gt,
        CmpOp::Gte,
        CmpOp::Lt,
        CmpOp::Lte,
        CmpOp::Eq,
        CmpOp::Ne,
    ];

    /// The accepted spellings, as parsed by [`FromStr`].
    pub const NAMES: [&'static str; 6] = ["gt", "gte", "lt", "lte", "eq", "ne"];

    /// The operator's name, e.g. `"gte"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            CmpOp::Gt => "gt",
            CmpOp::Gte => "gte",
            CmpOp::Lt => "lt",
            CmpOp::Lte => "lte",
            CmpOp::Eq => "eq",
            CmpOp::Ne => "ne",
        }
    }

    /// Applies the operator to one pair of values (the scalar reference
    /// semantics; the kernels specialise this per operator).
    #[inline(always)]
    pub fn apply(self, value: f64, threshold: f64) -> bool {
        match self {
            CmpOp::Gt => value > threshold,
            CmpOp::Gte => value >= threshold,
            CmpOp::Lt => value < threshold,
            CmpOp::Lte => value <= threshold,
            CmpOp::Eq => value == threshold,
            CmpOp::Ne => value != threshold,
        }
    }
}

impl FromStr for CmpOp {
    type Err = CoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "gt" => Ok(CmpOp::Gt),
            "gte" => Ok(CmpOp::Gte),
            "lt" => Ok(CmpOp::Lt),
            "lte" => Ok(CmpOp::Lte),
            "eq" => Ok(CmpOp::Eq),
            "ne" => Ok(CmpOp::Ne),
            other => Err(CoreError::UnknownOp {
                got: other.to_owned(),
            }),
        }
    }
}

impl fmt::Display for CmpOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Writes into `out`, in ascending order, the index of every row `i` for which
/// `values[i] <op> threshold` holds and the row is valid, and returns how many
/// indices it wrote.
///
/// - `validity`: Arrow-style LSB-first bitmap, bit `i` set = row `i` is valid;
///   `None` = all rows valid. A null row never passes, whatever the operator
///   (including [`CmpOp::Ne`]).
/// - NaN (in `values` or as `threshold`) follows IEEE 754, see [`CmpOp`].
/// - `out` must have at least `values.len()` elements. Only `out[..count]` is
///   meaningful afterwards; the kernel may also write to entries in
///   `out[count..values.len()]` (it writes every candidate index and advances
///   past the ones that pass), and never touches `out[values.len()..]`.
///
/// # Errors
/// [`CoreError::OutputTooShort`] if `out.len() < values.len()`,
/// [`CoreError::ValidityTooShort`] if the bitmap has fewer than
/// `ceil(values.len() / 8)` bytes, [`CoreError::TooManyRows`] if
/// `values.len() > u32::MAX`.
///
/// # Example
/// ```
/// use sluice_core::{compare_f64, CmpOp};
///
/// let values = [1.0, f64::NAN, 95.0, 90.5, 99.0];
/// let validity = [0b0_1111]; // row 4 is null
/// let mut out = [0u32; 5];
/// let n = compare_f64(&values, Some(&validity), CmpOp::Gt, 90.0, &mut out)?;
/// assert_eq!(&out[..n], [2, 3]);
/// # Ok::<(), sluice_core::CoreError>(())
/// ```
pub fn compare_f64(
    values: &[f64],
    validity: Option<&[u8]>,
    op: CmpOp,
    threshold: f64,
    out: &mut [u32],
) -> Result<usize, CoreError> {
    let n = values.len();
    check_column(n, validity)?;
    if out.len() < n {
        return Err(CoreError::OutputTooShort {
            needed: n,
            got: out.len(),
        });
    }
    let out = &mut out[..n];
    let t = threshold;
    // One monomorphised loop per operator: no dispatch inside the loop.
    let count = match op {
        CmpOp::Gt => select(values, validity, out, |x| x > t),
        CmpOp::Gte => select(values, validity, out, |x| x >= t),
        CmpOp::Lt => select(values, validity, out, |x| x < t),
        CmpOp::Lte => select(values, validity, out, |x| x <= t),
        CmpOp::Eq => select(values, validity, out, |x| x == t),
        CmpOp::Ne => select(values, validity, out, |x| x != t),
    };
    Ok(count)
}

/// `out.len() == values.len()` and `values.len() <= u32::MAX` (checked by the caller).
#[inline(always)]
pub(crate) fn select<T: Copy, P: Fn(T) -> bool>(
    values: &[T],
    validity: Option<&[u8]>,
    out: &mut [u32],
    pred: P,
) -> usize {
    match validity {
        None => select_all_valid(values, out, &pred),
        Some(bitmap) => select_masked(values, bitmap, out, &pred),
    }
}

/// Selects with every row valid.
///
/// Branch-free: the candidate index is always written to `out[k]`, and `k`
/// only advances when the row passes.
#[inline(always)]
fn select_all_valid<T: Copy, P: Fn(T) -> bool>(values: &[T], out: &mut [u32], pred: &P) -> usize {
    // Checked by the caller; restated so the unchecked write below is locally
    // justified.
    assert!(values.len() <= out.len());
    let mut k = 0;
    for (i, &x) in values.iter().enumerate() {
        // SAFETY: `k <= i` (at most one index is written per row) and
        // `i < values.len() <= out.len()`. The bounds check is skipped because
        // the compiler cannot prove `k <= i`, and it costs ~30% of the loop.
        unsafe { *out.get_unchecked_mut(k) = i as u32 };
        k += pred(x) as usize;
    }
    k
}

/// Selects with a validity bitmap, 8 rows (one bitmap byte) at a time: the 8
/// comparisons become a bit mask (vectorisable), ANDed with the validity byte;
/// blocks with no passing row are skipped, the others emit their indices
/// branch-free like [`select_all_valid`].
#[inline(always)]
fn select_masked<T: Copy, P: Fn(T) -> bool>(
    values: &[T],
    bitmap: &[u8],
    out: &mut [u32],
    pred: &P,
) -> usize {
    let (blocks, tail) = values.as_chunks::<8>();
    // Checked by the caller; restated so the unchecked writes below are
    // locally justified.
    assert!(values.len() <= out.len() && bitmap.len() >= values.len().div_ceil(8));
    let mut k = 0;
    for (b, (block, &valid)) in blocks.iter().zip(bitmap).enumerate() {
        let mut pass = 0u32;
        for (j, &x) in block.iter().enumerate() {
            pass |= (pred(x) as u32) << j;
        }
        let pass = pass & u32::from(valid);
        if pass == 0 {
            continue;
        }
        let base = b * 8;
        for j in 0..8 {
            // SAFETY: `k <= base + j` (at most one index is written per row)
            // and `base + j < blocks.len() * 8 <= values.len() <= out.len()`.
            unsafe { *out.get_unchecked_mut(k) = (base + j) as u32 };
            k += ((pass >> j) & 1) as usize;
        }
    }
    if !tail.is_empty() {
        let base = blocks.len() * 8;
        let valid = bitmap[blocks.len()];
        for (j, &x) in tail.iter().enumerate() {
            out[k] = (base + j) as u32;
            k += ((valid >> j) & 1 != 0 && pred(x)) as usize;
        }
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAN: f64 = f64::NAN;
    const INF: f64 = f64::INFINITY;

    /// The obvious scalar implementation the kernel must agree with.
    fn reference(values: &[f64], validity: Option<&[u8]>, op: CmpOp, t: f64) -> Vec<u32> {
        (0..values.len())
            .filter(|&i| validity.is_none_or(|b| b[i / 8] >> (i % 8) & 1 == 1))
            .filter(|&i| op.apply(values[i], t))
            .map(|i| i as u32)
            .collect()
    }

    fn run(values: &[f64], validity: Option<&[u8]>, op: CmpOp, t: f64) -> Vec<u32> {
        let mut out = vec![u32::MAX; values.len()];
        let n = compare_f64(values, validity, op, t, &mut out).unwrap();
        let got = out[..n].to_vec();
        assert_eq!(
            got,
            reference(values, validity, op, t),
            "{op} {t} on {values:?}"
        );
        got
    }

    fn sel(values: &[f64], op: &str, t: f64) -> Vec<u32> {
        run(values, None, op.parse().unwrap(), t)
    }

    /// Bitmap with the given rows valid.
    fn bitmap(rows: usize, mut valid: impl FnMut(usize) -> bool) -> Vec<u8> {
        let mut b = vec![0u8; rows.div_ceil(8)];
        for i in (0..rows).filter(|&i| valid(i)) {
            b[i / 8] |= 1 << (i % 8);
        }
        b
    }

    #[test]
    fn parses_every_op_name() {
        for (name, op) in CmpOp::NAMES.iter().zip(CmpOp::ALL) {
            assert_eq!(name.parse::<CmpOp>(), Ok(op));
            assert_eq!(op.as_str(), *name);
            assert_eq!(op.to_string(), *name);
        }
    }

    #[test]
    fn rejects_unknown_op_names() {
        for bad in ["", "GT", ">", "ge", "le", "neq", " gt"] {
            let err = bad.parse::<CmpOp>().unwrap_err();
            assert_eq!(
                err,
                CoreError::UnknownOp {
                    got: bad.to_owned()
                }
            );
        }
        assert_eq!(
            "x".parse::<CmpOp>().unwrap_err().to_string(),
            r#"op must be one of gt, gte, lt, lte, eq, ne (got "x")"#
        );
    }

    #[test]
    fn every_op_on_plain_values() {
        let v = [1.0, 2.0, 3.0, 2.0, 0.5];
        assert_eq!(sel(&v, "gt", 2.0), [2]);
        assert_eq!(sel(&v, "gte", 2.0), [1, 2, 3]);
        assert_eq!(sel(&v, "lt", 2.0), [0, 4]);
        assert_eq!(sel(&v, "lte", 2.0), [0, 1, 3, 4]);
        assert_eq!(sel(&v, "eq", 2.0), [1, 3]);
        assert_eq!(sel(&v, "ne", 2.0), [0, 2, 4]);
    }

    #[test]
    fn nan_values_only_pass_ne() {
        let v = [NAN, 1.0, NAN];
        assert_eq!(sel(&v, "gt", 0.0), [1]);
        assert_eq!(sel(&v, "gte", 1.0), [1]);
        assert_eq!(sel(&v, "lt", 2.0), [1]);
        assert_eq!(sel(&v, "lte", 1.0), [1]);
        assert_eq!(sel(&v, "eq", NAN), Vec::<u32>::new());
        assert_eq!(sel(&v, "ne", 1.0), [0, 2]);
        assert_eq!(sel(&v, "ne", NAN), [0, 1, 2]);
    }

    #[test]
    fn nan_threshold_passes_nothing_but_ne() {
        let v = [-INF, -1.0, 0.0, 1.0, INF, NAN];
        for op in ["gt", "gte", "lt", "lte", "eq"] {
            assert_eq!(sel(&v, op, NAN), Vec::<u32>::new(), "{op}");
        }
        assert_eq!(sel(&v, "ne", NAN), [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn signed_zeros_are_equal() {
        let v = [-0.0, 0.0];
        assert_eq!(sel(&v, "eq", 0.0), [0, 1]);
        assert_eq!(sel(&v, "eq", -0.0), [0, 1]);
        assert_eq!(sel(&v, "ne", -0.0), Vec::<u32>::new());
        assert_eq!(sel(&v, "gt", -0.0), Vec::<u32>::new());
        assert_eq!(sel(&v, "lt", 0.0), Vec::<u32>::new());
        assert_eq!(sel(&v, "gte", 0.0), [0, 1]);
        assert_eq!(sel(&v, "lte", -0.0), [0, 1]);
    }

    #[test]
    fn infinities() {
        let v = [-INF, -1e308, 0.0, 1e308, INF];
        assert_eq!(sel(&v, "gt", 1e308), [4]);
        assert_eq!(sel(&v, "gte", INF), [4]);
        assert_eq!(sel(&v, "gt", INF), Vec::<u32>::new());
        assert_eq!(sel(&v, "lt", -1e308), [0]);
        assert_eq!(sel(&v, "lte", -INF), [0]);
        assert_eq!(sel(&v, "lt", -INF), Vec::<u32>::new());
        assert_eq!(sel(&v, "eq", INF), [4]);
        assert_eq!(sel(&v, "ne", -INF), [1, 2, 3, 4]);
        assert_eq!(sel(&v, "lt", INF), [0, 1, 2, 3]);
        assert_eq!(sel(&v, "gt", -INF), [1, 2, 3, 4]);
    }

    #[test]
    fn nulls_never_pass_for_any_op() {
        let v = [1.0, 1.0, NAN, NAN, 5.0];
        let valid = bitmap(5, |i| i % 2 == 0); // rows 0, 2, 4 valid
        assert_eq!(valid, [0b10101]);
        let op = |s: &str| s.parse::<CmpOp>().unwrap();
        assert_eq!(run(&v, Some(&valid), op("ne"), 1.0), [2, 4]);
        assert_eq!(run(&v, Some(&valid), op("ne"), NAN), [0, 2, 4]);
        assert_eq!(run(&v, Some(&valid), op("eq"), 1.0), [0]);
        assert_eq!(run(&v, Some(&valid), op("gte"), 1.0), [0, 4]);
        let none_valid = [0u8];
        for op in CmpOp::ALL {
            assert_eq!(run(&v, Some(&none_valid), op, NAN), Vec::<u32>::new());
        }
    }

    #[test]
    fn validity_bits_are_lsb_first_and_trailing_bits_ignored() {
        let v = [7.0; 10];
        // Byte 0 = 0b0000_0010: only row 1 valid; byte 1 = 0b1111_1110: row 9
        // valid, and the bits past row 9 are set but must be ignored.
        let valid = [0b0000_0010, 0b1111_1110];
        assert_eq!(run(&v, Some(&valid), CmpOp::Eq, 7.0), [1, 9]);
        // A longer bitmap than needed is fine.
        assert_eq!(
            run(&v, Some(&[0xFF, 0xFF, 0xFF]), CmpOp::Eq, 7.0),
            (0..10).collect::<Vec<_>>()
        );
    }

    #[test]
    fn empty_input() {
        let mut out: [u32; 0] = [];
        for op in CmpOp::ALL {
            assert_eq!(compare_f64(&[], None, op, 1.0, &mut out), Ok(0));
            assert_eq!(compare_f64(&[], Some(&[]), op, 1.0, &mut out), Ok(0));
        }
        // An empty column needs no validity bytes but may have some; out may be longer.
        assert_eq!(
            compare_f64(&[], Some(&[0xFF]), CmpOp::Ne, 1.0, &mut [9]),
            Ok(0)
        );
    }

    #[test]
    fn all_pass_and_none_pass() {
        let v: Vec<f64> = (0..1000).map(f64::from).collect();
        let all: Vec<u32> = (0..1000).collect();
        assert_eq!(sel(&v, "gte", 0.0), all);
        assert_eq!(sel(&v, "ne", -1.0), all);
        assert_eq!(sel(&v, "lt", 1000.0), all);
        assert_eq!(sel(&v, "gt", 999.0), Vec::<u32>::new());
        assert_eq!(sel(&v, "eq", 0.5), Vec::<u32>::new());
        let valid = bitmap(1000, |_| true);
        assert_eq!(run(&v, Some(&valid), CmpOp::Gte, 0.0), all);
        assert_eq!(run(&v, Some(&valid), CmpOp::Lt, 0.0), Vec::<u32>::new());
    }

    #[test]
    fn does_not_write_past_values_len() {
        let v = [1.0, 2.0, 3.0];
        let mut out = [u32::MAX; 6];
        assert_eq!(compare_f64(&v, None, CmpOp::Gt, 0.0, &mut out), Ok(3));
        assert_eq!(out, [0, 1, 2, u32::MAX, u32::MAX, u32::MAX]);
        let mut out = [u32::MAX; 6];
        assert_eq!(
            compare_f64(&v, Some(&[0b101]), CmpOp::Gt, 0.0, &mut out),
            Ok(2)
        );
        assert_eq!(&out[..2], [0, 2]);
        assert_eq!(out[3..], [u32::MAX; 3]);
    }

    #[test]
    fn matches_reference_on_mixed_data_and_bitmaps() {
        // Deterministic pseudo-random values with NaN, ±0, ±Inf mixed in, odd
        // lengths (a partial last bitmap byte), and bitmaps that exercise the
        // all-valid, all-null and mixed byte paths.
        let specials = [NAN, 0.0, -0.0, INF, -INF, 1.5];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for len in [1, 7, 8, 9, 63, 64, 65, 257] {
            let values: Vec<f64> = (0..len)
                .map(|_| {
                    let r = next();
                    if r % 5 == 0 {
                        specials[(r / 5 % 6) as usize]
                    } else {
                        (r % 7) as f64 - 3.0
                    }
                })
                .collect();
            let bitmaps = [
                bitmap(len, |_| true),
                bitmap(len, |_| false),
                bitmap(len, |i| (i / 8) % 3 != 1), // whole bytes valid / null
                bitmap(len, |_| next() % 3 != 0),  // mixed bytes
            ];
            for t in [NAN, 0.0, -0.0, 1.5, -3.0, INF, -INF] {
                for op in CmpOp::ALL {
                    run(&values, None, op, t);
                    for b in &bitmaps {
                        run(&values, Some(b), op, t);
                    }
                }
            }
        }
    }

    #[test]
    fn rejects_short_out() {
        let mut out = [0u32; 2];
        let err = compare_f64(&[1.0, 2.0, 3.0], None, CmpOp::Gt, 0.0, &mut out).unwrap_err();
        assert_eq!(err, CoreError::OutputTooShort { needed: 3, got: 2 });
        assert_eq!(err.to_string(), "out must have at least 3 elements (got 2)");
        assert_eq!(out, [0, 0], "nothing written on error");
    }

    #[test]
    fn rejects_short_validity() {
        let v = [1.0; 9]; // needs 2 bytes
        let mut out = [0u32; 9];
        let err = compare_f64(&v, Some(&[0xFF]), CmpOp::Gt, 0.0, &mut out).unwrap_err();
        assert_eq!(
            err,
            CoreError::ValidityTooShort {
                rows: 9,
                needed: 2,
                got: 1
            }
        );
        assert_eq!(
            err.to_string(),
            "validity must have at least 2 bytes for 9 rows (got 1)"
        );
        let err = compare_f64(&[1.0], Some(&[]), CmpOp::Gt, 0.0, &mut out).unwrap_err();
        assert!(matches!(
            err,
            CoreError::ValidityTooShort {
                needed: 1,
                got: 0,
                ..
            }
        ));
    }
}
