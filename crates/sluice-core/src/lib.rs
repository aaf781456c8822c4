//! sluice-core: the columnar kernels behind sluice, in plain Rust.
//!
//! This crate knows nothing about Node.js. The `sluice-node` crate is a thin
//! Node-API shim over it; every kernel here can be tested and benchmarked with
//! plain `cargo test`.
//!
//! Conventions shared by all kernels:
//! - Validity bitmaps are Arrow-style: LSB-first, bit `i` (byte `i / 8`,
//!   bit `i % 8`) set means row `i` is valid (non-null); `None` means every
//!   row is valid. Bits past the last row are ignored.
//! - Output buffers are allocated by the caller; kernels never allocate
//!   output (the dictionary comparison keeps one byte per dictionary entry
//!   of scratch).
//! - Row indices are `u32`, so a column has at most [`MAX_ROWS`] rows.
//! - Every failure is a [`CoreError`].

pub mod aggregate;
pub mod compare;
pub mod compare_int;
pub mod compare_utf8;
pub mod csv;
mod dictionary;
pub mod error;
pub mod group;
pub mod ndjson;
pub mod group_multi;
pub mod group_typed;
pub mod sort;
mod swar;
pub mod take;
#[cfg(test)]
mod test_support;
pub mod topk;

pub use aggregate::sum_f64;
pub use compare::{compare_f64, CmpOp};
pub use compare_int::{compare_i32, compare_i64};
pub use compare_utf8::{compare_dictionary, compare_utf8};
pub use error::CoreError;
pub use group::{filter_grouped_stats_f64, grouped_stats_f64, StatsSlots};
pub use group_multi::intern_pairs;
pub use group_typed::{grouped_stats_i32, grouped_stats_i64, grouped_stats_valid_f64, TypedSlots};
pub use sort::sort_stable_f64;
pub use take::{take, take_validity};
pub use topk::{top_k_f64, TopKKey};

/// Largest number of rows a kernel accepts: row indices (and counts of
/// selected rows) must fit in a `u32`.
pub const MAX_ROWS: usize = u32::MAX as usize;

/// Number of bytes a validity bitmap needs to cover `rows` rows.
pub const fn validity_len(rows: usize) -> usize {
    rows.div_ceil(8)
}

/// Checks a column's row count and optional validity bitmap; shared by kernels.
pub(crate) fn check_column(rows: usize, validity: Option<&[u8]>) -> Result<(), CoreError> {
    if rows > MAX_ROWS {
        return Err(CoreError::TooManyRows {
            rows,
            max: MAX_ROWS,
        });
    }
    if let Some(bitmap) = validity {
        let needed = validity_len(rows);
        if bitmap.len() < needed {
            return Err(CoreError::ValidityTooShort {
                rows,
                needed,
                got: bitmap.len(),
            });
        }
    }
    Ok(())
}
