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
mod group_multi;
mod group_typed;
mod mapped;
mod ndjson;
mod parse;
mod sort;
mod testing;
mod topk;
mod typed_args;

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
    testing::checkpoint("compareF64");
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

/// Like `compareF64`, for an `Int32Array`: the comparison with the (float)
/// threshold is exact.
#[napi(catch_unwind)]
pub fn compare_i32(
    env: &Env,
    #[napi(ts_arg_type = "Int32Array")] values: Unknown<'_>,
    #[napi(ts_arg_type = "Uint8Array | null | undefined")] validity: Unknown<'_>,
    #[napi(ts_arg_type = "string")] op: Unknown<'_>,
    #[napi(ts_arg_type = "number")] threshold: Unknown<'_>,
    #[napi(ts_arg_type = "Uint32Array")] out: Unknown<'_>,
) -> napi::Result<u32> {
    testing::checkpoint("compareI32");
    compare_int_impl::<i32>(values, validity, op, threshold, out, sluice_core::compare_i32)
        .map_err(|e| e.throw(env))
}

/// Like `compareF64`, for a `BigInt64Array` (int64 or timestamp): exact, with
/// no rounding of values beyond 2^53 and none of the threshold.
#[napi(catch_unwind)]
pub fn compare_i64(
    env: &Env,
    #[napi(ts_arg_type = "BigInt64Array")] values: Unknown<'_>,
    #[napi(ts_arg_type = "Uint8Array | null | undefined")] validity: Unknown<'_>,
    #[napi(ts_arg_type = "string")] op: Unknown<'_>,
    #[napi(ts_arg_type = "number")] threshold: Unknown<'_>,
    #[napi(ts_arg_type = "Uint32Array")] out: Unknown<'_>,
) -> napi::Result<u32> {
    testing::checkpoint("compareI64");
    compare_int_impl::<i64>(values, validity, op, threshold, out, sluice_core::compare_i64)
        .map_err(|e| e.throw(env))
}

type IntKernel<T> =
    fn(&[T], Option<&[u8]>, CmpOp, f64, &mut [u32]) -> Result<usize, sluice_core::CoreError>;

fn compare_int_impl<T: args::Element>(
    values: Unknown<'_>,
    validity: Unknown<'_>,
    op: Unknown<'_>,
    threshold: Unknown<'_>,
    out: Unknown<'_>,
    kernel: IntKernel<T>,
) -> JsResult<u32> {
    let values = args::slice::<T>(values, "values")?;
    let validity = args::optional_u8_slice(validity, "validity")?;
    let op: CmpOp = args::string(op, "op")?.parse()?;
    let threshold = args::number(threshold, "threshold")?;
    let out = selection_out(out, values, validity)?;
    Ok(kernel(values, validity, op, threshold, out)? as u32)
}

/// The selection output `out`, checked disjoint from the column it selects from.
fn selection_out<'a, T>(
    out: Unknown<'a>,
    values: &[T],
    validity: Option<&[u8]>,
) -> JsResult<&'a mut [u32]> {
    let out = args::U32Out::new(out, "out")?;
    out.check_disjoint(values, "out", "values")?;
    if let Some(bitmap) = validity {
        out.check_disjoint(bitmap, "out", "validity")?;
    }
    Ok(out.into_slice())
}

/// Selects the rows of a utf8 column (`offsets` + `bytes`) whose value is
/// (`eq`) or is not (`ne`) `needle`; null rows never pass. Other ops throw a
/// `TypeError`.
#[napi(catch_unwind)]
pub fn compare_utf8(
    env: &Env,
    #[napi(ts_arg_type = "Int32Array")] offsets: Unknown<'_>,
    #[napi(ts_arg_type = "Uint8Array")] bytes: Unknown<'_>,
    #[napi(ts_arg_type = "Uint8Array | null | undefined")] validity: Unknown<'_>,
    #[napi(ts_arg_type = "string")] op: Unknown<'_>,
    #[napi(ts_arg_type = "string")] needle: Unknown<'_>,
    #[napi(ts_arg_type = "Uint32Array")] out: Unknown<'_>,
) -> napi::Result<u32> {
    testing::checkpoint("compareUtf8");
    (|| -> JsResult<u32> {
        let offsets = args::slice::<i32>(offsets, "offsets")?;
        let bytes = args::slice::<u8>(bytes, "bytes")?;
        let validity = args::optional_u8_slice(validity, "validity")?;
        let op: CmpOp = args::string(op, "op")?.parse()?;
        let needle = args::string(needle, "needle")?;
        let out = args::U32Out::new(out, "out")?;
        out.check_disjoint(offsets, "out", "offsets")?;
        out.check_disjoint(bytes, "out", "bytes")?;
        if let Some(bitmap) = validity {
            out.check_disjoint(bitmap, "out", "validity")?;
        }
        let n =
            sluice_core::compare_utf8(offsets, bytes, validity, op, needle.as_bytes(), out.into_slice())?;
        Ok(n as u32)
    })()
    .map_err(|e| e.throw(env))
}

/// `compareUtf8` for a dictionary column: `codes` into the null-free utf8
/// column (`dictionaryOffsets`, `dictionaryBytes`); each entry is compared once.
#[napi(catch_unwind)]
#[allow(clippy::too_many_arguments)]
pub fn compare_dictionary(
    env: &Env,
    #[napi(ts_arg_type = "Int32Array")] codes: Unknown<'_>,
    #[napi(ts_arg_type = "Int32Array")] dictionary_offsets: Unknown<'_>,
    #[napi(ts_arg_type = "Uint8Array")] dictionary_bytes: Unknown<'_>,
    #[napi(ts_arg_type = "Uint8Array | null | undefined")] validity: Unknown<'_>,
    #[napi(ts_arg_type = "string")] op: Unknown<'_>,
    #[napi(ts_arg_type = "string")] needle: Unknown<'_>,
    #[napi(ts_arg_type = "Uint32Array")] out: Unknown<'_>,
) -> napi::Result<u32> {
    testing::checkpoint("compareDictionary");
    (|| -> JsResult<u32> {
        let codes = args::slice::<i32>(codes, "codes")?;
        let offsets = args::slice::<i32>(dictionary_offsets, "dictionaryOffsets")?;
        let bytes = args::slice::<u8>(dictionary_bytes, "dictionaryBytes")?;
        let validity = args::optional_u8_slice(validity, "validity")?;
        let op: CmpOp = args::string(op, "op")?.parse()?;
        let needle = args::string(needle, "needle")?;
        let out = selection_out(out, codes, validity)?;
        let n = sluice_core::compare_dictionary(
            codes,
            offsets,
            bytes,
            validity,
            op,
            needle.as_bytes(),
            out,
        )?;
        Ok(n as u32)
    })()
    .map_err(|e| e.throw(env))
}

fn take_impl<T: args::Element>(
    values: Unknown<'_>,
    indices: Unknown<'_>,
    out: Unknown<'_>,
) -> JsResult<()> {
    let values = args::slice::<T>(values, "values")?;
    let indices = args::slice::<u32>(indices, "indices")?;
    let out = args::Out::<T>::new(out, "out")?;
    out.check_disjoint(values, "out", "values")?;
    out.check_disjoint(indices, "out", "indices")?;
    Ok(sluice_core::take(values, indices, out.into_slice())?)
}

/// Writes `values[indices[j]]` into `out[j]` (a `Float64Array` at least as
/// long as `indices`); an index out of range throws a `RangeError`.
#[napi(catch_unwind)]
pub fn take_f64(
    env: &Env,
    #[napi(ts_arg_type = "Float64Array")] values: Unknown<'_>,
    #[napi(ts_arg_type = "Uint32Array")] indices: Unknown<'_>,
    #[napi(ts_arg_type = "Float64Array")] out: Unknown<'_>,
) -> napi::Result<()> {
    testing::checkpoint("takeF64");
    take_impl::<f64>(values, indices, out).map_err(|e| e.throw(env))
}

/// `takeF64` for `Int32Array`s (int32 values, dictionary codes, offsets-free data).
#[napi(catch_unwind)]
pub fn take_i32(
    env: &Env,
    #[napi(ts_arg_type = "Int32Array")] values: Unknown<'_>,
    #[napi(ts_arg_type = "Uint32Array")] indices: Unknown<'_>,
    #[napi(ts_arg_type = "Int32Array")] out: Unknown<'_>,
) -> napi::Result<()> {
    testing::checkpoint("takeI32");
    take_impl::<i32>(values, indices, out).map_err(|e| e.throw(env))
}

/// `takeF64` for `BigInt64Array`s (int64 and timestamp values).
#[napi(catch_unwind)]
pub fn take_i64(
    env: &Env,
    #[napi(ts_arg_type = "BigInt64Array")] values: Unknown<'_>,
    #[napi(ts_arg_type = "Uint32Array")] indices: Unknown<'_>,
    #[napi(ts_arg_type = "BigInt64Array")] out: Unknown<'_>,
) -> napi::Result<()> {
    testing::checkpoint("takeI64");
    take_impl::<i64>(values, indices, out).map_err(|e| e.throw(env))
}

/// Writes the validity bits of rows `indices` of a `rows`-row bitmap into
/// `out` and returns how many of those rows are null.
#[napi(catch_unwind)]
pub fn take_validity(
    env: &Env,
    #[napi(ts_arg_type = "Uint8Array")] validity: Unknown<'_>,
    #[napi(ts_arg_type = "number")] rows: Unknown<'_>,
    #[napi(ts_arg_type = "Uint32Array")] indices: Unknown<'_>,
    #[napi(ts_arg_type = "Uint8Array")] out: Unknown<'_>,
) -> napi::Result<u32> {
    testing::checkpoint("takeValidity");
    (|| -> JsResult<u32> {
        let validity = args::slice::<u8>(validity, "validity")?;
        let rows = args::index(rows, "rows")?;
        let indices = args::slice::<u32>(indices, "indices")?;
        let out = args::Out::<u8>::new(out, "out")?;
        out.check_disjoint(validity, "out", "validity")?;
        out.check_disjoint(indices, "out", "indices")?;
        Ok(sluice_core::take_validity(validity, rows, indices, out.into_slice())? as u32)
    })()
    .map_err(|e| e.throw(env))
}

/// The slots argument of the grouped kernels: `rows` < 0 means no row count.
fn stats_slots(
    stride: Unknown<'_>,
    rows: Unknown<'_>,
    sum: Unknown<'_>,
    min: Unknown<'_>,
    max: Unknown<'_>,
) -> JsResult<sluice_core::StatsSlots> {
    let no_rows = args::number(rows, "rowsSlot")? < 0.0;
    Ok(sluice_core::StatsSlots {
        stride: args::index(stride, "stride")?,
        rows: if no_rows {
            None
        } else {
            Some(args::index(rows, "rowsSlot")?)
        },
        sum: args::index(sum, "sumSlot")?,
        min: args::index(min, "minSlot")?,
        max: args::index(max, "maxSlot")?,
    })
}

/// Adds every row of a null-free `Float64Array` to its group's count, sum,
/// min and max in `state` (`stride` f64 slots per group; group g's slot o at
/// g·stride + o), in row order exactly as the TypeScript aggregation does.
/// `gids` has one group id per value; `rowsSlot` < 0 skips the row count.
#[napi(catch_unwind)]
#[allow(clippy::too_many_arguments)]
pub fn grouped_stats_f64(
    env: &Env,
    #[napi(ts_arg_type = "Float64Array")] values: Unknown<'_>,
    #[napi(ts_arg_type = "Int32Array")] gids: Unknown<'_>,
    #[napi(ts_arg_type = "Float64Array")] state: Unknown<'_>,
    #[napi(ts_arg_type = "number")] stride: Unknown<'_>,
    #[napi(ts_arg_type = "number")] rows_slot: Unknown<'_>,
    #[napi(ts_arg_type = "number")] sum_slot: Unknown<'_>,
    #[napi(ts_arg_type = "number")] min_slot: Unknown<'_>,
    #[napi(ts_arg_type = "number")] max_slot: Unknown<'_>,
) -> napi::Result<()> {
    testing::checkpoint("groupedStatsF64");
    (|| -> JsResult<()> {
        let values = args::f64_slice(values, "values")?;
        let gids = args::slice::<i32>(gids, "gids")?;
        let state = args::Out::<f64>::new(state, "state")?;
        state.check_disjoint(values, "state", "values")?;
        state.check_disjoint(gids, "state", "gids")?;
        let slots = stats_slots(stride, rows_slot, sum_slot, min_slot, max_slot)?;
        Ok(sluice_core::grouped_stats_f64(values, gids, state.into_slice(), slots)?)
    })()
    .map_err(|e| e.throw(env))
}

/// The fused filter + group-by: `groupedStatsF64` over only the rows where
/// `values[i] <op> threshold` holds and the row is valid, in one pass without
/// materialising the filtered column.
#[napi(catch_unwind)]
#[allow(clippy::too_many_arguments)]
pub fn filter_grouped_stats_f64(
    env: &Env,
    #[napi(ts_arg_type = "Float64Array")] values: Unknown<'_>,
    #[napi(ts_arg_type = "Uint8Array | null | undefined")] validity: Unknown<'_>,
    #[napi(ts_arg_type = "Int32Array")] gids: Unknown<'_>,
    #[napi(ts_arg_type = "string")] op: Unknown<'_>,
    #[napi(ts_arg_type = "number")] threshold: Unknown<'_>,
    #[napi(ts_arg_type = "Float64Array")] state: Unknown<'_>,
    #[napi(ts_arg_type = "number")] stride: Unknown<'_>,
    #[napi(ts_arg_type = "number")] rows_slot: Unknown<'_>,
    #[napi(ts_arg_type = "number")] sum_slot: Unknown<'_>,
    #[napi(ts_arg_type = "number")] min_slot: Unknown<'_>,
    #[napi(ts_arg_type = "number")] max_slot: Unknown<'_>,
) -> napi::Result<()> {
    testing::checkpoint("filterGroupedStatsF64");
    (|| -> JsResult<()> {
        let values = args::f64_slice(values, "values")?;
        let validity = args::optional_u8_slice(validity, "validity")?;
        let gids = args::slice::<i32>(gids, "gids")?;
        let op: CmpOp = args::string(op, "op")?.parse()?;
        let threshold = args::number(threshold, "threshold")?;
        let state = args::Out::<f64>::new(state, "state")?;
        state.check_disjoint(values, "state", "values")?;
        state.check_disjoint(gids, "state", "gids")?;
        if let Some(bitmap) = validity {
            state.check_disjoint(bitmap, "state", "validity")?;
        }
        let slots = stats_slots(stride, rows_slot, sum_slot, min_slot, max_slot)?;
        Ok(sluice_core::filter_grouped_stats_f64(
            values,
            validity,
            gids,
            op,
            threshold,
            state.into_slice(),
            slots,
        )?)
    })()
    .map_err(|e| e.throw(env))
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
