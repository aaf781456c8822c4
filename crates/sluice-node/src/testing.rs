//! Test-only hooks: a real Rust panic inside a chosen kernel, so the
//! runtime's fallback to the TypeScript twin is tested against what a kernel
//! bug actually does (a panic caught by `#[napi(catch_unwind)]` and thrown
//! into JS), not against a JavaScript mock.
//!
//! The hook is per thread (a worker arms its own addon instance's thread) and
//! costs one thread-local read of a `Cell` at each kernel entry while it is
//! disarmed (measured with `npm run bench:kernels`: within noise).

use std::cell::{Cell, RefCell};

use napi::{Env, Unknown};
use napi_derive::napi;

use crate::args;
use crate::error::JsResult;

thread_local! {
    /// Fast check: whether any kernel is armed on this thread.
    static ARMED: Cell<bool> = const { Cell::new(false) };
    /// The armed kernel's JS name and how many calls remain before it panics.
    static TARGET: RefCell<Option<(String, u32)>> = const { RefCell::new(None) };
}

/// Makes the native kernel `kernel` (its JS name, e.g. `"compareF64"`) panic
/// on its `nthCall`-th call from now on this thread (1 = the next call); the
/// panic fires once, then the hook disarms itself. `nthCall` 0 disarms.
/// For tests only: the panic reaches JS as an `Error` through `catch_unwind`.
#[napi(js_name = "__testArmKernelPanic", catch_unwind)]
pub fn test_arm_kernel_panic(
    env: &Env,
    #[napi(ts_arg_type = "string")] kernel: Unknown<'_>,
    #[napi(ts_arg_type = "number")] nth_call: Unknown<'_>,
) -> napi::Result<()> {
    (|| -> JsResult<()> {
        let kernel = args::string(kernel, "kernel")?;
        let nth = args::index(nth_call, "nthCall")?;
        let nth = u32::try_from(nth).unwrap_or(u32::MAX);
        TARGET.with(|t| *t.borrow_mut() = (nth > 0).then_some((kernel, nth)));
        ARMED.with(|a| a.set(nth > 0));
        Ok(())
    })()
    .map_err(|e| e.throw(env))
}

/// Called first thing by every kernel entry point: panics when this kernel is
/// armed and its countdown reaches zero.
#[inline(always)]
pub fn checkpoint(kernel: &str) {
    if ARMED.with(Cell::get) {
        fire(kernel);
    }
}

#[cold]
#[inline(never)]
fn fire(kernel: &str) {
    let due = TARGET.with(|t| {
        let mut target = t.borrow_mut();
        match target.as_mut() {
            Some((name, remaining)) if name == kernel => {
                *remaining -= 1;
                if *remaining == 0 {
                    *target = None;
                    true
                } else {
                    false
                }
            }
            _ => false,
        }
    });
    if due {
        ARMED.with(|a| a.set(false));
        panic!("sluice test hook: kernel {kernel} panicked as armed");
    }
}
