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
    /// An operator the column type does not support (utf8: only eq and ne).
    UnsupportedOp {
        op: crate::CmpOp,
        column: &'static str,
    },
    /// Offsets of row `row` outside the bytes, or decreasing.
    BadOffsets {
        row: usize,
        start: i64,
        end: i64,
        bytes: usize,
    },
    /// A dictionary code outside the dictionary.
    CodeOutOfRange {
        row: usize,
        code: i32,
        entries: usize,
    },
    /// A selection index outside the column.
    IndexOutOfRange { at: usize, index: u32, rows: usize },
    /// A group id outside the state.
    GroupOutOfRange { row: usize, gid: i32, groups: usize },
    /// A state slot outside the stride (or a zero stride).
    BadSlots { stride: usize },
    /// An argument that must have as many elements as the values.
    LengthMismatch {
        arg: &'static str,
        needed: usize,
        got: usize,
    },
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
            CoreError::UnsupportedOp { op, column } => {
                write!(f, "op must be eq or ne for a {column} column (got {:?})", op.as_str())
            }
            CoreError::BadOffsets {
                row,
                start,
                end,
                bytes,
            } => write!(
                f,
                "offsets of row {row} ({start}..{end}) must lie within the {bytes} bytes, in order"
            ),
            CoreError::CodeOutOfRange { row, code, entries } => write!(
                f,
                "codes[{row}] ({code}) must index the dictionary of {entries} entries"
            ),
            CoreError::IndexOutOfRange { at, index, rows } => write!(
                f,
                "indices[{at}] ({index}) must be less than the {rows} rows of values"
            ),
            CoreError::GroupOutOfRange { row, gid, groups } => write!(
                f,
                "gids[{row}] ({gid}) must be a group of the state (0..{groups})"
            ),
            CoreError::BadSlots { stride } => {
                write!(f, "slots must be offsets below stride ({stride}), stride > 0")
            }
            CoreError::LengthMismatch { arg, needed, got } => {
                write!(f, "{arg} must have {needed} elements, one per value (got {got})")
            }
        }
    }
}

impl std::error::Error for CoreError {}
