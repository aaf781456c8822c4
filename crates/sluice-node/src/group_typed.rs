//! Bindings of the grouped stats of a value column with nulls, by value type
//! (`sluice_core::group_typed`): float64, int32 and int64/timestamp.

use napi::{Env, Unknown};
use napi_derive::napi;
use sluice_core::{CoreError, TypedSlots};

use crate::args;
use crate::error::JsResult;

/// A slot argument: a negative number skips the accumulator.
fn slot(value: Unknown<'_>, arg: &str) -> JsResult<Option<usize>> {
    if args::number(value, arg)? < 0.0 {
        return Ok(None);
    }
    Ok(Some(args::index(value, arg)?))
}

type Kernel<T> = fn(&[T], Option<&[u8]>, &[i32], &mut [f64], TypedSlots) -> Result<(), CoreError>;

fn run<T: args::Element>(
    values: Unknown<'_>,
    validity: Unknown<'_>,
    gids: Unknown<'_>,
    state: Unknown<'_>,
    slots: TypedSlots,
    kernel: Kernel<T>,
) -> JsResult<()> {
    let values = args::slice::<T>(values, "values")?;
    let validity = args::optional_u8_slice(validity, "validity")?;
    let gids = args::slice::<i32>(gids, "gids")?;
    let state = args::Out::<f64>::new(state, "state")?;
    state.check_disjoint(values, "state", "values")?;
    state.check_disjoint(gids, "state", "gids")?;
    if let Some(bitmap) = validity {
        state.check_disjoint(bitmap, "state", "validity")?;
    }
    Ok(kernel(values, validity, gids, state.into_slice(), slots)?)
}

#[allow(clippy::too_many_arguments)]
fn slots_of(
    stride: Unknown<'_>,
    rows: Unknown<'_>,
    nulls: Unknown<'_>,
    sum: Unknown<'_>,
    sum_hi: Option<Unknown<'_>>,
    min: Unknown<'_>,
    max: Unknown<'_>,
    sum_name: &str,
) -> JsResult<TypedSlots> {
    Ok(TypedSlots {
        stride: args::index(stride, "stride")?,
        rows: slot(rows, "rowsSlot")?,
        nulls: slot(nulls, "nullsSlot")?,
        sum: slot(sum, sum_name)?,
        sum_hi: match sum_hi {
            Some(v) => slot(v, "sumHiSlot")?,
            None => None,
        },
        min: slot(min, "minSlot")?,
        max: slot(max, "maxSlot")?,
    })
}

/// Row count, null count, sum, min and max of a `Float64Array` with an
/// optional validity bitmap, per group, in row order (bit-identical to the
/// TypeScript twin). A slot < 0 skips that accumulator; null rows add only to
/// the row and null counts.
#[napi(catch_unwind)]
#[allow(clippy::too_many_arguments)]
pub fn grouped_stats_valid_f64(
    env: &Env,
    #[napi(ts_arg_type = "Float64Array")] values: Unknown<'_>,
    #[napi(ts_arg_type = "Uint8Array | null | undefined")] validity: Unknown<'_>,
    #[napi(ts_arg_type = "Int32Array")] gids: Unknown<'_>,
    #[napi(ts_arg_type = "Float64Array")] state: Unknown<'_>,
    #[napi(ts_arg_type = "number")] stride: Unknown<'_>,
    #[napi(ts_arg_type = "number")] rows_slot: Unknown<'_>,
    #[napi(ts_arg_type = "number")] nulls_slot: Unknown<'_>,
    #[napi(ts_arg_type = "number")] sum_slot: Unknown<'_>,
    #[napi(ts_arg_type = "number")] min_slot: Unknown<'_>,
    #[napi(ts_arg_type = "number")] max_slot: Unknown<'_>,
) -> napi::Result<()> {
    crate::testing::checkpoint("groupedStatsValidF64");
    (|| -> JsResult<()> {
        let slots = slots_of(
            stride, rows_slot, nulls_slot, sum_slot, None, min_slot, max_slot, "sumSlot",
        )?;
        run::<f64>(
            values,
            validity,
            gids,
            state,
            slots,
            sluice_core::grouped_stats_valid_f64,
        )
    })()
    .map_err(|e| e.throw(env))
}

/// `groupedStatsValidF64` for an `Int32Array`: the sum is exact (the caller
/// adds fewer than 2^21 rows between normalisations), min/max as doubles.
#[napi(catch_unwind)]
#[allow(clippy::too_many_arguments)]
pub fn grouped_stats_i32(
    env: &Env,
    #[napi(ts_arg_type = "Int32Array")] values: Unknown<'_>,
    #[napi(ts_arg_type = "Uint8Array | null | undefined")] validity: Unknown<'_>,
    #[napi(ts_arg_type = "Int32Array")] gids: Unknown<'_>,
    #[napi(ts_arg_type = "Float64Array")] state: Unknown<'_>,
    #[napi(ts_arg_type = "number")] stride: Unknown<'_>,
    #[napi(ts_arg_type = "number")] rows_slot: Unknown<'_>,
    #[napi(ts_arg_type = "number")] nulls_slot: Unknown<'_>,
    #[napi(ts_arg_type = "number")] sum_slot: Unknown<'_>,
    #[napi(ts_arg_type = "number")] min_slot: Unknown<'_>,
    #[napi(ts_arg_type = "number")] max_slot: Unknown<'_>,
) -> napi::Result<()> {
    crate::testing::checkpoint("groupedStatsI32");
    (|| -> JsResult<()> {
        let slots = slots_of(
            stride, rows_slot, nulls_slot, sum_slot, None, min_slot, max_slot, "sumSlot",
        )?;
        run::<i32>(
            values,
            validity,
            gids,
            state,
            slots,
            sluice_core::grouped_stats_i32,
        )
    })()
    .map_err(|e| e.throw(env))
}

/// `groupedStatsValidF64` for a `BigInt64Array` (int64/timestamp): the exact
/// sum as unsigned low words (`sumLoSlot`) and signed high words
/// (`sumHiSlot`); min and max slots hold the value's bits (read them through
/// an Int32Array or BigInt64Array view of the state, never as doubles).
#[napi(catch_unwind)]
#[allow(clippy::too_many_arguments)]
pub fn grouped_stats_i64(
    env: &Env,
    #[napi(ts_arg_type = "BigInt64Array")] values: Unknown<'_>,
    #[napi(ts_arg_type = "Uint8Array | null | undefined")] validity: Unknown<'_>,
    #[napi(ts_arg_type = "Int32Array")] gids: Unknown<'_>,
    #[napi(ts_arg_type = "Float64Array")] state: Unknown<'_>,
    #[napi(ts_arg_type = "number")] stride: Unknown<'_>,
    #[napi(ts_arg_type = "number")] rows_slot: Unknown<'_>,
    #[napi(ts_arg_type = "number")] nulls_slot: Unknown<'_>,
    #[napi(ts_arg_type = "number")] sum_lo_slot: Unknown<'_>,
    #[napi(ts_arg_type = "number")] sum_hi_slot: Unknown<'_>,
    #[napi(ts_arg_type = "number")] min_slot: Unknown<'_>,
    #[napi(ts_arg_type = "number")] max_slot: Unknown<'_>,
) -> napi::Result<()> {
    crate::testing::checkpoint("groupedStatsI64");
    (|| -> JsResult<()> {
        let slots = slots_of(
            stride,
            rows_slot,
            nulls_slot,
            sum_lo_slot,
            Some(sum_hi_slot),
            min_slot,
            max_slot,
            "sumLoSlot",
        )?;
        run::<i64>(
            values,
            validity,
            gids,
            state,
            slots,
            sluice_core::grouped_stats_i64,
        )
    })()
    .map_err(|e| e.throw(env))
}
