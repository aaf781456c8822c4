//! Aggregations.

/// Plain sequential sum, in index order, starting from `+0.0`.
///
/// Deliberately not reassociated or vectorised: it gives exactly the result of
/// the JS loop `let s = 0; for (const x of values) s += x;` (so the empty sum
/// is `+0`, not the `-0` that `Iterator::sum` returns for `f64`), and it is the
/// memory-bandwidth floor that other kernels are benchmarked against.
///
/// ```
/// assert_eq!(sluice_core::sum_f64(&[0.1, 0.2, 0.3]), 0.1 + 0.2 + 0.3);
/// ```
pub fn sum_f64(values: &[f64]) -> f64 {
    let mut acc = 0.0_f64;
    for &x in values {
        acc += x;
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_sum_is_positive_zero() {
        let s = sum_f64(&[]);
        assert_eq!(s, 0.0);
        assert!(s.is_sign_positive());
        assert!(sum_f64(&[-0.0]).is_sign_positive());
    }

    #[test]
    fn sums_in_order() {
        assert_eq!(sum_f64(&[1.0, 2.0, 3.5]), 6.5);
        // Sequential order is observable: (1e16 + 1) + 1 != 1e16 + (1 + 1).
        assert_eq!(sum_f64(&[1e16, 1.0, 1.0]), 1e16);
    }

    #[test]
    fn propagates_nan_and_infinity() {
        assert!(sum_f64(&[1.0, f64::NAN]).is_nan());
        assert_eq!(sum_f64(&[1.0, f64::INFINITY]), f64::INFINITY);
        assert!(sum_f64(&[f64::INFINITY, f64::NEG_INFINITY]).is_nan());
    }
}
