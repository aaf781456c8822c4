//! The one error type of every sluice-core kernel.

use std::fmt;

/// Why a kernel refused its input.
///
/// The messages name the kernel parameter at fault (`op`, `out`, `validity`,
/// `values`) with the same names the JS bindings use, so the Node layer can
/// pass them through unchanged. The enum is deliberately not
/// `#[non_exhaustive]`: adding a variant must break the exhaustive mapping in
/// `sluice-node/src/error.rs`, so that every new error gets a deliberate JS
/// error class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoreError {
    /// A comparison operator name that is not one of [`crate::CmpOp::NAMES`].
    UnknownOp { got: String },
    /// The output buffer cannot hold one entry per input row.
    OutputTooShort { needed: usize, got: usize },
    /// The validity bitmap has fewer than `ceil(rows / 8)` bytes.
    ValidityTooShort {
        rows: usize,
        needed: usize,
        got: usize,
    },
    /// The column has more rows than `u32` indices can address.
    TooManyRows { rows: usize, max: usize },
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoreError::UnknownOp { got } => write!(
                f,
                "op must be one of {} (got {got:?})",
                crate::CmpOp::NAMES.join(", ")
            ),
            CoreError::OutputTooShort { needed, got } => {
                write!(f, "out must have at least {needed} elements (got {got})")
            }
            CoreError::ValidityTooShort { rows, needed, got } => write!(
                f,
                "validity must have at least {needed} bytes for {rows} rows (got {got})"
            ),
            CoreError::TooManyRows { rows, max } => {
                write!(f, "values must have at most {max} rows (got {rows})")
            }
        }
    }
}

impl std::error::Error for CoreError {}
