//! Typed arrays and arrays passed from JS, read in place: the argument
//! checks and raw views shared by the parser bindings (`parse.rs`,
//! `ndjson.rs`). Every failure names the argument.

use std::ffi::c_void;
use std::ptr;

use napi::sys::{self, TypedarrayType};
use napi::{JsValue, Unknown};
use sluice_core::csv::{ColumnBuf, ColumnOut, CsvType};

use crate::error::{ErrorClass, JsFailure, JsResult, ERR_OUT_OF_RANGE};

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

/// Fails naming the two arguments when any two of `ranges` (byte address
/// ranges with their argument names) overlap: Rust must not hold a `&mut` to
/// memory that another argument also reaches.
pub(crate) fn check_disjoint(mut ranges: Vec<(usize, usize, String)>) -> JsResult<()> {
    ranges.retain(|(start, end, _)| end > start);
    ranges.sort_by_key(|r| r.0);
    for pair in ranges.windows(2) {
        if pair[1].0 < pair[0].1 {
            return Err(JsFailure::invalid_value(format!(
                "{} must not share memory with {}",
                pair[1].2, pair[0].2
            )));
        }
    }
    Ok(())
}

/// One column a text parser writes a batch into: its type, values and validity.
pub(crate) type ColumnArg = (CsvType, Raw, Raw);

/// The `columns` and `validity` arguments of a text parser's `parse`: per
/// column a typed array of the column's buffer type (`type_of(c)`) and a
/// Uint8Array bitmap, none sharing memory with another nor with `input` (the
/// address range of the bytes read).
pub(crate) fn column_args(
    env: sys::napi_env,
    input: (usize, usize),
    columns: Unknown<'_>,
    validity: Unknown<'_>,
    type_of: impl Fn(usize) -> CsvType,
) -> JsResult<Vec<ColumnArg>> {
    let value_arrays = array_elements(env, columns.value().value, "columns")?;
    let validity_arrays = array_elements(env, validity.value().value, "validity")?;
    if validity_arrays.len() != value_arrays.len() {
        return Err(JsFailure::new(
            ErrorClass::RangeError,
            ERR_OUT_OF_RANGE,
            format!(
                "validity must have one bitmap per column ({}, got {})",
                value_arrays.len(),
                validity_arrays.len()
            ),
        ));
    }
    let mut ranges = vec![(input.0, input.1, "input".to_owned())];
    let mut outs = Vec::with_capacity(value_arrays.len());
    for (c, (&values, &bitmap)) in value_arrays.iter().zip(&validity_arrays).enumerate() {
        let ty = type_of(c);
        let (kind, expected) = match ty {
            CsvType::Int32 | CsvType::Utf8 => (TypedarrayType::int32_array, "an Int32Array"),
            CsvType::Int64 => (TypedarrayType::bigint64_array, "a BigInt64Array"),
            CsvType::Float64 => (TypedarrayType::float64_array, "a Float64Array"),
            CsvType::Bool => (TypedarrayType::uint8_array, "a Uint8Array"),
        };
        let values = typed(env, values, kind, &format!("columns[{c}]"), expected)?;
        let bitmap = typed(
            env,
            bitmap,
            TypedarrayType::uint8_array,
            &format!("validity[{c}]"),
            "a Uint8Array",
        )?;
        ranges.push((
            values.data as usize,
            values.data as usize + values.len * element_size(kind),
            format!("columns[{c}]"),
        ));
        ranges.push((
            bitmap.data as usize,
            bitmap.data as usize + bitmap.len,
            format!("validity[{c}]"),
        ));
        outs.push((ty, values, bitmap));
    }
    check_disjoint(ranges)?;
    Ok(outs)
}

/// The parser's view of `column_args`.
///
/// # Safety
/// `args` come from `column_args` in this synchronous call: each points to
/// `len` aligned elements of a live typed array view (dangling only when
/// empty) that stays in place until the call returns, and no two overlap, so
/// the `&mut` slices alias nothing.
pub(crate) unsafe fn column_outs(args: &[ColumnArg]) -> Vec<ColumnOut<'_>> {
    args.iter()
        .map(|(ty, values, bitmap)| ColumnOut {
            values: match ty {
                CsvType::Int32 => ColumnBuf::Int32(slice_mut(values)),
                CsvType::Utf8 => ColumnBuf::Utf8(slice_mut(values)),
                CsvType::Int64 => ColumnBuf::Int64(slice_mut(values)),
                CsvType::Float64 => ColumnBuf::Float64(slice_mut(values)),
                CsvType::Bool => ColumnBuf::Bool(slice_mut(values)),
            },
            validity: slice_mut(bitmap),
        })
        .collect()
}
