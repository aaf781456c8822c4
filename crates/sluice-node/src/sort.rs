//! Binding of the stable sort step (`sluice_core::sort`).

use napi::{Env, Unknown};
use napi_derive::napi;

use crate::args;
use crate::error::{ErrorClass, JsFailure, JsResult, ERR_OUT_OF_RANGE};

/// Reorders `permutation` (row indices into `keys`) in place, stably, by
/// `(classes[row], keys[row])` ascending: `-0` equals `0`, NaN is above every
/// number. `classes` (one byte per row, or null) is the most significant
/// part. One step of an LSD multi-key sort (last key first).
#[napi(catch_unwind)]
pub fn sort_stable_f64(
    env: &Env,
    #[napi(ts_arg_type = "Float64Array")] keys: Unknown<'_>,
    #[napi(ts_arg_type = "Uint8Array | null | undefined")] classes: Unknown<'_>,
    #[napi(ts_arg_type = "Uint32Array")] permutation: Unknown<'_>,
) -> napi::Result<()> {
    crate::testing::checkpoint("sortStableF64");
    (|| -> JsResult<()> {
        let keys = args::f64_slice(keys, "keys")?;
        let classes = args::optional_u8_slice(classes, "classes")?;
        let permutation = args::U32Out::new(permutation, "permutation")?;
        permutation.check_disjoint(keys, "permutation", "keys")?;
        if let Some(c) = classes {
            permutation.check_disjoint(c, "permutation", "classes")?;
        }
        let permutation = permutation.into_slice();
        // Named here so that the message names this kernel's arguments.
        if let Some((at, &r)) = permutation
            .iter()
            .enumerate()
            .find(|&(_, &r)| r as usize >= keys.len())
        {
            return Err(JsFailure::new(
                ErrorClass::RangeError,
                ERR_OUT_OF_RANGE,
                format!(
                    "permutation[{at}] ({r}) must be a row of keys (0..{})",
                    keys.len()
                ),
            ));
        }
        if let Some(c) = classes {
            if c.len() < keys.len() {
                return Err(JsFailure::new(
                    ErrorClass::RangeError,
                    ERR_OUT_OF_RANGE,
                    format!(
                        "classes must have {} elements, one per key (got {})",
                        keys.len(),
                        c.len()
                    ),
                ));
            }
        }
        Ok(sluice_core::sort_stable_f64(keys, classes, permutation)?)
    })()
    .map_err(|e| e.throw(env))
}
