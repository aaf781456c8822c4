//! A byte range of an open file as a Buffer over a private memory mapping.
//!
//! A CSV unit read with `pread` copies every byte out of the page cache
//! (~2.2 GB/s on the reference machine, 7 ms per 16 MiB unit). With one
//! worker that copy runs on the idle core; with a worker per core it comes out
//! of the parse, which is why `threads: 2` scaled only 1.2–1.4× over
//! `threads: 1`. A mapping hands the parser the page cache itself.
//!
//! The mapping is private copy-on-write, so a write through the Buffer dirties
//! a private page instead of faulting or reaching the file. It is released when
//! V8 collects the Buffer; V8 counts its length as external memory, so mapping
//! one unit at a time keeps the collections rare (a whole file per unit made
//! them constant, see docs/architecture.md).

#[cfg(unix)]
use memmap2::{Advice, MmapMut, MmapOptions};
use napi::bindgen_prelude::BufferSlice;
use napi::{Env, Unknown};
use napi_derive::napi;

use crate::args;
use crate::error::{ErrorClass, JsFailure, JsResult, ERR_OUT_OF_RANGE};

/// Returns a Buffer of `length` bytes over the file open as `fd`, from byte
/// `offset` on (any offset: the mapping starts at the page before it). The
/// file must hold the whole range: a mapped page past its end cannot be read
/// (the caller checks the size first). The mapping outlives `fd`.
///
/// Throws `TypeError` for arguments that are not numbers, `RangeError` for a
/// negative or fractional one or a zero `length`, and `Error` (with the OS
/// error, e.g. `ENODEV` for a pipe) when the file cannot be mapped.
#[napi(catch_unwind, ts_return_type = "Buffer")]
pub fn map_file_range<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "number")] fd: Unknown<'_>,
    #[napi(ts_arg_type = "number")] offset: Unknown<'_>,
    #[napi(ts_arg_type = "number")] length: Unknown<'_>,
) -> napi::Result<BufferSlice<'env>> {
    map_file_range_impl(env, fd, offset, length).map_err(|e| e.throw(env))
}

fn map_file_range_impl<'env>(
    env: &'env Env,
    fd: Unknown<'_>,
    offset: Unknown<'_>,
    length: Unknown<'_>,
) -> JsResult<BufferSlice<'env>> {
    let fd = args::index(fd, "fd")?;
    let fd = i32::try_from(fd).map_err(|_| out_of_range("fd", "a file descriptor", fd as f64))?;
    let offset = file_position(offset, "offset")?;
    let length = file_position(length, "length")?;
    let length = match usize::try_from(length) {
        Ok(length) if length > 0 => length,
        _ => return Err(out_of_range("length", "at least 1", length as f64)),
    };
    map_descriptor(env, fd, offset, length)
}

/// Elsewhere a JS `fd` is not what the OS maps (Windows maps a HANDLE): the
/// caller reads by copying, as for any file that cannot be mapped.
#[cfg(not(unix))]
fn map_descriptor<'env>(
    _env: &'env Env,
    _fd: i32,
    _offset: u64,
    _length: usize,
) -> JsResult<BufferSlice<'env>> {
    Err(JsFailure::new(
        ErrorClass::Error,
        "ERR_MAP_FAILED",
        "mapping a file by descriptor is supported on Unix only",
    ))
}

#[cfg(unix)]
fn map_descriptor<'env>(
    env: &'env Env,
    fd: i32,
    offset: u64,
    length: usize,
) -> JsResult<BufferSlice<'env>> {
    // SAFETY: a private mapping of the descriptor the caller holds open for
    // this call (a bad one is an error from mmap): writes through it never
    // reach the file. The caller checked that the file holds the range; a file
    // truncated while it is mapped is the risk every mapped reader takes
    // (docs/architecture.md).
    let mut mapping = unsafe { MmapOptions::new().offset(offset).len(length).map_copy(fd) }
        .map_err(|e| {
            JsFailure::new(
                ErrorClass::Error,
                "ERR_MAP_FAILED",
                format!(
                    "cannot map bytes {offset}..{} of the file: {e}",
                    offset + length as u64
                ),
            )
        })?;
    // Only a hint: the read-ahead window grows for a range read front to back.
    let _ = mapping.advise(Advice::Sequential);
    let data = mapping.as_mut_ptr();
    let owner: Box<MmapMut> = Box::new(mapping);
    // SAFETY: `data` points at `length` bytes owned by `owner`, which the
    // finalizer drops (unmapping them) once V8 has collected the Buffer.
    let buffer =
        unsafe { BufferSlice::from_external(env, data, length, owner, |_, owner| drop(owner)) }?;
    Ok(buffer)
}

/// A byte position or length: an integer in 0..2^53.
fn file_position(value: Unknown<'_>, arg: &str) -> JsResult<u64> {
    let x = args::number(value, arg)?;
    if !(x >= 0.0 && x.fract() == 0.0 && x <= 9_007_199_254_740_991.0) {
        return Err(out_of_range(arg, "an integer in 0..2^53", x));
    }
    Ok(x as u64)
}

fn out_of_range(arg: &str, expected: &str, got: f64) -> JsFailure {
    JsFailure::new(
        ErrorClass::RangeError,
        ERR_OUT_OF_RANGE,
        format!("{arg} must be {expected} (got {got})"),
    )
}
