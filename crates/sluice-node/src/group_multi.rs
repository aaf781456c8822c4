//! Binding of the multi-column group id step (`sluice_core::group_multi`).

use napi::{Env, Unknown};
use napi_derive::napi;

use crate::args;
use crate::error::JsResult;

/// Interns the pairs `(a[i], b[i])` into the hash table `slots` (the
/// TypeScript `PairTable` layout, holding `count` keys), writes each row's id
/// into `out` and returns the new key count. New ids are `count, count + 1,
/// …` in row order; with `keysA`/`keysB` each new id's pair is recorded there
/// too. The table must have room for every row being new (load 1/2): the
/// caller grows it first. `out` and the keys may not share memory with
/// anything else.
#[napi(catch_unwind)]
#[allow(clippy::too_many_arguments)]
pub fn intern_pairs(
    env: &Env,
    #[napi(ts_arg_type = "Int32Array")] a: Unknown<'_>,
    #[napi(ts_arg_type = "Int32Array")] b: Unknown<'_>,
    #[napi(ts_arg_type = "Int32Array")] slots: Unknown<'_>,
    #[napi(ts_arg_type = "number")] count: Unknown<'_>,
    #[napi(ts_arg_type = "Int32Array")] out: Unknown<'_>,
    #[napi(ts_arg_type = "Int32Array | null | undefined")] keys_a: Unknown<'_>,
    #[napi(ts_arg_type = "Int32Array | null | undefined")] keys_b: Unknown<'_>,
) -> napi::Result<u32> {
    crate::testing::checkpoint("internPairs");
    (|| -> JsResult<u32> {
        let a = args::slice::<i32>(a, "a")?;
        let b = args::slice::<i32>(b, "b")?;
        let count = args::index(count, "count")?;
        let mut outs = vec![
            ("slots", args::Out::<i32>::new(slots, "slots")?),
            ("out", args::Out::<i32>::new(out, "out")?),
        ];
        let with_keys = !args::is_nullish(&keys_a) || !args::is_nullish(&keys_b);
        if with_keys {
            outs.push(("keysA", args::Out::<i32>::new(keys_a, "keysA")?));
            outs.push(("keysB", args::Out::<i32>::new(keys_b, "keysB")?));
        }
        let mut slices: Vec<&mut [i32]> = Vec::with_capacity(outs.len());
        for (name, o) in outs {
            o.check_disjoint(a, name, "a")?;
            o.check_disjoint(b, name, "b")?;
            for (j, s) in slices.iter().enumerate() {
                o.check_disjoint(s, name, ["slots", "out", "keysA"][j])?;
            }
            slices.push(o.into_slice());
        }
        let mut it = slices.into_iter();
        let (slots, out) = (it.next().expect("slots"), it.next().expect("out"));
        let keys = match (it.next(), it.next()) {
            (Some(k0), Some(k1)) => Some((k0, k1)),
            _ => None,
        };
        let count = sluice_core::intern_pairs(a, b, slots, count, out, keys)?;
        // count <= i32::MAX, checked by the kernel.
        Ok(count as u32)
    })()
    .map_err(|e| e.throw(env))
}
