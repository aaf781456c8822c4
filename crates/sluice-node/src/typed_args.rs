//! Typed arrays and arrays passed from JS, read in place: the argument
//! checks and raw views shared by the parser bindings (`parse.rs`,
//! `ndjson.rs`). Every failure names the argument.

use std::ffi::c_void;
use std::ptr;

use napi::sys::{self, TypedarrayType};
use napi::{JsValue, Unknown};

use crate::error::{JsFailure, JsResult};

/// A typed array's element type, first element and length in elements.
pub(crate) struct Raw {
    pub(crate) kind: i32,
    pub(crate) data: *mut c_void,
    pub(crate) len: usize,
}

pub(crate) fn raw_typed_array(env: sys::napi_env, value: sys::napi_value) -> Option<Raw> {
    let mut kind = 0;
    let mut len = 0;
    let mut data = ptr::null_mut();
    // SAFETY: live env and value; NULL is accepted for unused out-parameters.
    // A non-typed-array only makes the call return `napi_invalid_arg`.
    let status = unsafe {
        sys::napi_get_typedarray_info(
            env,
            value,
            &mut kind,
            &mut len,
            &mut data,
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    (status == sys::Status::napi_ok).then_some(Raw { kind, data, len })
}

pub(crate) fn element_size(kind: i32) -> usize {
    match kind {
        TypedarrayType::float64_array | TypedarrayType::bigint64_array => 8,
        TypedarrayType::int32_array => 4,
        _ => 1,
    }
}

/// The typed array `value` of element type `kind`, named `arg` in errors.
pub(crate) fn typed(
    env: sys::napi_env,
    value: sys::napi_value,
    kind: i32,
    arg: &str,
    expected: &str,
) -> JsResult<Raw> {
    match raw_typed_array(env, value) {
        Some(raw) if raw.kind == kind => {
            if raw.len > 0
                && (raw.data.is_null() || !(raw.data as usize).is_multiple_of(element_size(kind)))
            {
                return Err(JsFailure::invalid_value(format!(
                    "{arg} is not memory aligned for its element type"
                )));
            }
            Ok(raw)
        }
        _ => Err(JsFailure::invalid_type(arg, expected, "another value")),
    }
}

/// The elements of the JS array `value`.
pub(crate) fn array_elements(
    env: sys::napi_env,
    value: sys::napi_value,
    arg: &str,
) -> JsResult<Vec<sys::napi_value>> {
    let mut is_array = false;
    // SAFETY: live env and value; `is_array` is valid for a write.
    unsafe { sys::napi_is_array(env, value, &mut is_array) };
    if !is_array {
        return Err(JsFailure::invalid_type(arg, "an Array", "another value"));
    }
    let mut len = 0u32;
    // SAFETY: `value` is an array.
    unsafe { sys::napi_get_array_length(env, value, &mut len) };
    (0..len)
        .map(|i| {
            let mut element = ptr::null_mut();
            // SAFETY: `value` is an array and `i` is below its length.
            let status = unsafe { sys::napi_get_element(env, value, i, &mut element) };
            if status == sys::Status::napi_ok {
                Ok(element)
            } else {
                Err(JsFailure::invalid_value(format!(
                    "{arg}[{i}] cannot be read"
                )))
            }
        })
        .collect()
}

pub(crate) fn boolean(value: Unknown<'_>, arg: &str) -> JsResult<bool> {
    let raw = value.value();
    let mut b = false;
    // SAFETY: `b` is valid for a write; a non-boolean only returns an error status.
    let status = unsafe { sys::napi_get_value_bool(raw.env, raw.value, &mut b) };
    if status != sys::Status::napi_ok {
        return Err(JsFailure::invalid_type(arg, "a boolean", "another value"));
    }
    Ok(b)
}

/// # Safety
/// `raw` must describe a live typed array of `T` that outlives the slice.
pub(crate) unsafe fn slice<'a, T>(raw: &Raw) -> &'a [T] {
    if raw.len == 0 {
        return &[];
    }
    std::slice::from_raw_parts(raw.data.cast::<T>(), raw.len)
}

/// # Safety
/// As [`slice`], and nothing else may reach the memory while the slice lives.
pub(crate) unsafe fn slice_mut<'a, T>(raw: &Raw) -> &'a mut [T] {
    if raw.len == 0 {
        return &mut [];
    }
    std::slice::from_raw_parts_mut(raw.data.cast::<T>(), raw.len)
}
