//! Comparisons of int32 and int64 (timestamp) columns with a float64 threshold.
//!
//! The threshold is a JS number, so the comparison must be the exact
//! mathematical one (as JS's `90n < 90.5` is), not one through a rounded
//! double. Instead of widening every value, the threshold is turned once into
//! an integer bound (`x > 90.5` ⟺ `x >= 91`), and the loop compares integers.

use crate::compare::select;
use crate::{check_column, CmpOp, CoreError};

/// What `x <op> threshold` means for an integer `x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IntPred {
    /// No value passes (e.g. `gt +Infinity`, `eq 0.5`, any op but `ne` with NaN).
    Never,
    /// Every valid row passes (e.g. `ne NaN`, `lt +Infinity`).
    Always,
    Ge(i64),
    Le(i64),
    Eq(i64),
    Ne(i64),
}

/// Saturating float → i128 (`as` saturates and maps NaN to 0; NaN is handled before).
fn ge_bound(lo: i128) -> IntPred {
    if lo > i128::from(i64::MAX) {
        IntPred::Never
    } else if lo <= i128::from(i64::MIN) {
        IntPred::Always
    } else {
        IntPred::Ge(lo as i64)
    }
}

fn le_bound(hi: i128) -> IntPred {
    if hi < i128::from(i64::MIN) {
        IntPred::Never
    } else if hi >= i128::from(i64::MAX) {
        IntPred::Always
    } else {
        IntPred::Le(hi as i64)
    }
}

/// The exact integer predicate for `x <op> t`.
fn int_pred(op: CmpOp, t: f64) -> IntPred {
    if t.is_nan() {
        return if op == CmpOp::Ne { IntPred::Always } else { IntPred::Never };
    }
    // An integer-valued t within i64 range: 2^63 itself is not an i64.
    let exact = (t.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&t))
        .then_some(t as i64);
    match op {
        CmpOp::Gt => ge_bound((t.floor() as i128).saturating_add(1)),
        CmpOp::Gte => ge_bound(t.ceil() as i128),
        CmpOp::Lt => le_bound((t.ceil() as i128).saturating_sub(1)),
        CmpOp::Lte => le_bound(t.floor() as i128),
        CmpOp::Eq => exact.map_or(IntPred::Never, IntPred::Eq),
        CmpOp::Ne => exact.map_or(IntPred::Always, IntPred::Ne),
    }
}

fn compare_int<T: Copy + Into<i64>>(
    values: &[T],
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
    Ok(match int_pred(op, threshold) {
        IntPred::Never => 0,
        IntPred::Always => select(values, validity, out, |_| true),
        IntPred::Ge(b) => select(values, validity, out, |x: T| x.into() >= b),
        IntPred::Le(b) => select(values, validity, out, |x: T| x.into() <= b),
        IntPred::Eq(b) => select(values, validity, out, |x: T| x.into() == b),
        IntPred::Ne(b) => select(values, validity, out, |x: T| x.into() != b),
    })
}

/// [`crate::compare_f64`] for an int32 column: same selection contract, exact
/// comparison with the (float) threshold.
pub fn compare_i32(
    values: &[i32],
    validity: Option<&[u8]>,
    op: CmpOp,
    threshold: f64,
    out: &mut [u32],
) -> Result<usize, CoreError> {
    compare_int(values, validity, op, threshold, out)
}

/// [`crate::compare_f64`] for an int64 or timestamp column: exact, with no
/// rounding of values beyond 2^53 and none of the threshold.
///
/// ```
/// use sluice_core::{compare_i64, CmpOp};
/// let big = (1i64 << 53) + 1; // not representable as a double
/// let mut out = [0u32; 2];
/// let n = compare_i64(&[big, big - 1], None, CmpOp::Gt, 9007199254740992.0, &mut out)?;
/// assert_eq!(&out[..n], [0]);
/// # Ok::<(), sluice_core::CoreError>(())
/// ```
pub fn compare_i64(
    values: &[i64],
    validity: Option<&[u8]>,
    op: CmpOp,
    threshold: f64,
    out: &mut [u32],
) -> Result<usize, CoreError> {
    compare_int(values, validity, op, threshold, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact reference through i128/f64 reasoning on small cases: the
    /// mathematical comparison of an integer with a double.
    fn exact(x: i64, op: CmpOp, t: f64) -> bool {
        if t.is_nan() {
            return op == CmpOp::Ne;
        }
        // Compare x with t exactly: x as f64 may round, so compare via i128
        // when t is integral and in range, else via floor/ceil.
        let ord = if t.is_infinite() {
            if t > 0.0 {
                std::cmp::Ordering::Less
            } else {
                std::cmp::Ordering::Greater
            }
        } else if i128::from(x) < t.floor() as i128 {
            std::cmp::Ordering::Less
        } else if i128::from(x) > t.ceil() as i128 {
            std::cmp::Ordering::Greater
        } else if t.fract() == 0.0 {
            i128::from(x).cmp(&(t as i128))
        } else if i128::from(x) == t.floor() as i128 {
            std::cmp::Ordering::Less
        } else {
            std::cmp::Ordering::Greater
        };
        use std::cmp::Ordering::*;
        match op {
            CmpOp::Gt => ord == Greater,
            CmpOp::Gte => ord != Less,
            CmpOp::Lt => ord == Less,
            CmpOp::Lte => ord != Greater,
            CmpOp::Eq => ord == Equal,
            CmpOp::Ne => ord != Equal,
        }
    }

    #[test]
    fn matches_exact_comparison_at_the_edges() {
        let values = [
            i64::MIN,
            i64::MIN + 1,
            -(1 << 53) - 1,
            -91,
            -1,
            0,
            1,
            90,
            91,
            1 << 53,
            (1 << 53) + 1,
            i64::MAX - 1,
            i64::MAX,
        ];
        let thresholds = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            90.0,
            90.5,
            -90.5,
            9_007_199_254_740_992.0,
            9.223_372_036_854_776e18,
            -9.223_372_036_854_776e18,
            1e300,
            -1e300,
        ];
        for op in CmpOp::ALL {
            for t in thresholds {
                let mut out = [0u32; 13];
                let n = compare_i64(&values, None, op, t, &mut out).unwrap();
                let want: Vec<u32> = (0..values.len())
                    .filter(|&i| exact(values[i], op, t))
                    .map(|i| i as u32)
                    .collect();
                assert_eq!(&out[..n], want, "{op} {t}");
            }
        }
    }

    #[test]
    fn int32_nulls_never_pass() {
        let mut out = [0u32; 4];
        let n = compare_i32(&[1, 2, 3, 4], Some(&[0b1010]), CmpOp::Ne, f64::NAN, &mut out).unwrap();
        assert_eq!(&out[..n], [1, 3]);
        let n = compare_i32(&[1, 2, 3, 4], Some(&[0b1010]), CmpOp::Gte, 2.5, &mut out).unwrap();
        assert_eq!(&out[..n], [3]);
    }

    #[test]
    fn short_output_is_an_error() {
        assert_eq!(
            compare_i32(&[1, 2], None, CmpOp::Gt, 0.0, &mut [0]),
            Err(CoreError::OutputTooShort { needed: 2, got: 1 })
        );
    }
}
