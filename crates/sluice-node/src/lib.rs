//! The sluice native addon: thin Node-API bindings over `sluice-core`.
//!
//! Every export is `#[napi(catch_unwind)]`, so a Rust panic becomes a JS
//! exception instead of aborting Node. Arguments arrive as `Unknown` and are
//! checked in `args` (errors name the argument); all errors are thrown by
//! `error::JsFailure::throw` with the right JS class.

use napi::{Env, Unknown};
use napi_derive::napi;
use sluice_core::CmpOp;

mod args;
mod error;
mod parse;

use error::JsResult;

/// Writes into `out` the indices (ascending) of the rows `i` where
/// `values[i] <op> threshold` holds and row `i` is valid, and returns how many
/// it wrote. Zero-copy: reads `values`/`validity` and writes `out` in place.
///
/// `validity` is an Arrow-style bitmap (LSB-first, bit set = valid), or
/// `null`/`undefined` for all rows valid; null rows never pass. NaN follows
/// IEEE 754: every comparison with NaN is false except `ne`. `-0 == 0`.
///
/// Throws `TypeError` for an argument of the wrong type, an unknown `op` or an
/// `out` that shares memory with an input; `RangeError` if `out` is shorter
/// than `values` or `validity` shorter than `ceil(values.length / 8)` bytes.
#[napi(catch_unwind)]
pub fn compare_f64(
    env: &Env,
    #[napi(ts_arg_type = "Float64Array")] values: Unknown<'_>,
    #[napi(ts_arg_type = "Uint8Array | null | undefined")] validity: Unknown<'_>,
    #[napi(ts_arg_type = "string")] op: Unknown<'_>,
    #[napi(ts_arg_type = "number")] threshold: Unknown<'_>,
    #[napi(ts_arg_type = "Uint32Array")] out: Unknown<'_>,
) -> napi::Result<u32> {
    compare_f64_impl(values, validity, op, threshold, out).map_err(|e| e.throw(env))
}

fn compare_f64_impl(
    values: Unknown<'_>,
    validity: Unknown<'_>,
    op: Unknown<'_>,
    threshold: Unknown<'_>,
    out: Unknown<'_>,
) -> JsResult<u32> {
    let values = args::f64_slice(values, "values")?;
    let validity = args::optional_u8_slice(validity, "validity")?;
    let op: CmpOp = args::string(op, "op")?.parse()?;
    let threshold = args::number(threshold, "threshold")?;
    let out = args::U32Out::new(out, "out")?;
    out.check_disjoint(values, "out", "values")?;
    if let Some(bitmap) = validity {
        out.check_disjoint(bitmap, "out", "validity")?;
    }
    let out = out.into_slice();
    let count = sluice_core::compare_f64(values, validity, op, threshold, out)?;
    // count <= values.len() <= u32::MAX, checked by the kernel.
    Ok(count as u32)
}

/// Plain sequential sum of `values` (starting from +0, in index order, so it
/// equals the JS loop `let s = 0; for (const x of values) s += x`).
#[napi(catch_unwind)]
pub fn sum_f64(
    env: &Env,
    #[napi(ts_arg_type = "Float64Array")] values: Unknown<'_>,
) -> napi::Result<f64> {
    args::f64_slice(values, "values")
        .map(sluice_core::sum_f64)
        .map_err(|e| e.throw(env))
}

/// What was loaded: the addon's crate version and build profile.
#[napi(object)]
pub struct NativeInfo {
    /// Version of the `sluice-node` crate.
    pub version: String,
    /// `"release"` or `"debug"` (whether debug assertions are compiled in).
    pub profile: String,
}

#[napi(catch_unwind)]
pub fn native_info() -> NativeInfo {
    NativeInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        profile: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
        .to_owned(),
    }
}
