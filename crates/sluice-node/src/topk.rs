//! Binding of top-k (`sluice_core::topk`): the first k rows of `sort`'s
//! order, for `sort` followed by `limit`.

use napi::sys::{self, TypedarrayType};
use napi::{Env, JsValue, Unknown};
use napi_derive::napi;
use sluice_core::TopKKey;

use crate::args;
use crate::error::{ErrorClass, JsFailure, JsResult, ERR_OUT_OF_RANGE};
use crate::typed_args::{array_elements, slice, typed};

fn range_error(message: String) -> JsFailure {
    JsFailure::new(ErrorClass::RangeError, ERR_OUT_OF_RANGE, message)
}

fn is_nullish(env: sys::napi_env, value: sys::napi_value) -> bool {
    let mut ty = sys::ValueType::napi_undefined;
    // SAFETY: live env and value; `ty` is valid for a write.
    let status = unsafe { sys::napi_typeof(env, value, &mut ty) };
    status == sys::Status::napi_ok
        && (ty == sys::ValueType::napi_null || ty == sys::ValueType::napi_undefined)
}

/// Writes into `out` the first `min(k, n)` rows of `0..n` in stable key
/// order and returns how many it wrote. Key `j` orders rows by
/// `(classes[j][row], ords[j][row])` ascending, as one `sortStableF64` step
/// does (`-0` equals `0`, NaN above every number; `classes[j]` null: all
/// rows class 0); keys compare lexicographically and the row index breaks
/// ties. Rows `0..sorted` must already be in that order (the rows kept from
/// earlier batches).
///
/// Throws `TypeError` for an argument of the wrong type or an `out` sharing
/// memory with a key; `RangeError` when `classes` has not one entry per key,
/// a key is shorter than `n`, `sorted > n`, or `out` is shorter than
/// `min(k, n)`.
#[napi(catch_unwind)]
pub fn top_k_f64(
    env: &Env,
    #[napi(ts_arg_type = "readonly Float64Array[]")] ords: Unknown<'_>,
    #[napi(ts_arg_type = "readonly (Uint8Array | null)[]")] classes: Unknown<'_>,
    #[napi(ts_arg_type = "number")] n: Unknown<'_>,
    #[napi(ts_arg_type = "number")] sorted: Unknown<'_>,
    #[napi(ts_arg_type = "number")] k: Unknown<'_>,
    #[napi(ts_arg_type = "Uint32Array")] out: Unknown<'_>,
) -> napi::Result<u32> {
    crate::testing::checkpoint("topKF64");
    (|| -> JsResult<u32> {
        let raw_env = ords.value().env;
        let ord_values = array_elements(raw_env, ords.value().value, "ords")?;
        let class_values = array_elements(raw_env, classes.value().value, "classes")?;
        if class_values.len() != ord_values.len() {
            return Err(range_error(format!(
                "classes must have one entry per key ({}, got {})",
                ord_values.len(),
                class_values.len()
            )));
        }
        let n = args::index(n, "n")?;
        let sorted = args::index(sorted, "sorted")?;
        let k = args::index(k, "k")?;
        if sorted > n {
            return Err(range_error(format!("sorted must be at most n ({n}, got {sorted})")));
        }
        let out = args::U32Out::new(out, "out")?;
        let mut keys = Vec::with_capacity(ord_values.len());
        for (j, (&o, &c)) in ord_values.iter().zip(&class_values).enumerate() {
            let name = format!("ords[{j}]");
            let raw = typed(raw_env, o, TypedarrayType::float64_array, &name, "a Float64Array")?;
            // SAFETY: a live Float64Array view, checked aligned by `typed`; no JS runs during this call.
            let ord: &[f64] = unsafe { slice(&raw) };
            if ord.len() < n {
                return Err(range_error(format!("{name} must have at least n ({n}) elements (got {})", ord.len())));
            }
            out.check_disjoint(ord, "out", &name)?;
            let classes = if is_nullish(raw_env, c) {
                None
            } else {
                let name = format!("classes[{j}]");
                let raw = typed(raw_env, c, TypedarrayType::uint8_array, &name, "a Uint8Array or null")?;
                // SAFETY: as for `ord`.
                let c: &[u8] = unsafe { slice(&raw) };
                if c.len() < n {
                    return Err(range_error(format!("{name} must have at least n ({n}) elements (got {})", c.len())));
                }
                out.check_disjoint(c, "out", &name)?;
                Some(c)
            };
            keys.push(TopKKey { ord, classes });
        }
        let needed = k.min(n);
        let out = out.into_slice();
        if out.len() < needed {
            return Err(range_error(format!(
                "out must have at least min(k, n) ({needed}) elements (got {})",
                out.len()
            )));
        }
        // count <= n <= u32::MAX, checked by the kernel.
        Ok(sluice_core::top_k_f64(&keys, n, sorted, k, out)? as u32)
    })()
    .map_err(|e| e.throw(env))
}
