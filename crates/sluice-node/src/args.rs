//! Argument conversion with errors that name the argument.
//!
//! The exports take their arguments as `Unknown` and convert them here rather
//! than letting napi-rs convert them: its messages ("Get TypedArray info
//! failed", "Expected $name, got 8") name neither the argument nor the
//! expected type, and they are thrown as plain `Error`s. Typed arrays are
//! also read with a single `napi_get_typedarray_info` call each (napi-rs's
//! own conversions make two or three per argument, ~100 ns apiece).

use std::ffi::c_void;
use std::ptr;

use napi::bindgen_prelude::TypedArrayType;
use napi::sys::{self, TypedarrayType};
use napi::{JsValue, Unknown, ValueType};

use crate::error::{JsFailure, JsResult};

/// A typed array's element type and memory, from one `napi_get_typedarray_info`.
struct RawTypedArray {
    kind: i32,
    /// First element of the view (`byteOffset` applied); may be null or
    /// dangling when `len == 0`.
    data: *mut c_void,
    /// Length in elements.
    len: usize,
}

impl RawTypedArray {
    /// `None` if `value` is not a typed array.
    fn of(value: &Unknown<'_>) -> Option<Self> {
        let raw = value.value();
        let mut kind = 0;
        let mut len = 0;
        let mut data = ptr::null_mut();
        // SAFETY: `raw` is a live value of the current env; the out-pointers
        // are valid, and Node-API accepts NULL for the out-parameters we do not
        // need. For a value that is not a typed array the call only returns
        // `napi_invalid_arg` (no JS exception), which saves a separate
        // `napi_is_typedarray` call on the hot path.
        let status = unsafe {
            sys::napi_get_typedarray_info(
                raw.env,
                raw.value,
                &mut kind,
                &mut len,
                &mut data,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        (status == sys::Status::napi_ok).then_some(RawTypedArray { kind, data, len })
    }

    /// The element pointer for a slice of `len` elements of `T`: never null,
    /// and checked for alignment (JS guarantees it for typed array views of
    /// their own element type; this is a defensive check, not a conversion).
    fn element_ptr<T>(&self, arg: &str) -> JsResult<*mut T> {
        if self.len == 0 {
            return Ok(ptr::NonNull::dangling().as_ptr());
        }
        let data = self.data.cast::<T>();
        if data.is_null() || !data.is_aligned() {
            return Err(JsFailure::invalid_value(format!(
                "{arg} is not readable memory aligned for its element type"
            )));
        }
        Ok(data)
    }
}

/// A short description of a JS value for error messages: `null`,
/// `undefined`, `number`, `Array`, `Float32Array`, `object`, ...
fn describe(value: &Unknown<'_>) -> String {
    let Ok(ty) = value.get_type() else {
        return "an unknown value".to_owned();
    };
    match ty {
        ValueType::Null => "null".to_owned(),
        ValueType::Undefined => "undefined".to_owned(),
        ValueType::Boolean => "boolean".to_owned(),
        ValueType::Number => "number".to_owned(),
        ValueType::String => "string".to_owned(),
        ValueType::Symbol => "symbol".to_owned(),
        ValueType::BigInt => "bigint".to_owned(),
        ValueType::Function => "function".to_owned(),
        ValueType::Object => {
            if value.is_array().unwrap_or(false) {
                "Array".to_owned()
            } else if let Some(array) = RawTypedArray::of(value) {
                typed_array_name(array.kind).to_owned()
            } else if value.is_arraybuffer().unwrap_or(false) {
                "ArrayBuffer".to_owned()
            } else if value.is_dataview().unwrap_or(false) {
                "DataView".to_owned()
            } else {
                "object".to_owned()
            }
        }
        _ => "an unknown value".to_owned(),
    }
}

fn typed_array_name(kind: i32) -> &'static str {
    match TypedArrayType::from(kind) {
        TypedArrayType::Int8 => "Int8Array",
        TypedArrayType::Uint8 => "Uint8Array",
        TypedArrayType::Uint8Clamped => "Uint8ClampedArray",
        TypedArrayType::Int16 => "Int16Array",
        TypedArrayType::Uint16 => "Uint16Array",
        TypedArrayType::Int32 => "Int32Array",
        TypedArrayType::Uint32 => "Uint32Array",
        TypedArrayType::Float32 => "Float32Array",
        TypedArrayType::Float64 => "Float64Array",
        TypedArrayType::BigInt64 => "BigInt64Array",
        TypedArrayType::BigUint64 => "BigUint64Array",
        _ => "TypedArray",
    }
}

/// The typed array `value`, which must be of element type `kind`.
fn typed_array_of_kind(
    value: &Unknown<'_>,
    arg: &str,
    kind: i32,
    expected: &str,
) -> JsResult<RawTypedArray> {
    match RawTypedArray::of(value) {
        Some(array) if array.kind == kind => Ok(array),
        _ => Err(JsFailure::invalid_type(arg, expected, &describe(value))),
    }
}

/// True for `null` and `undefined` (including a missing argument).
pub fn is_nullish(value: &Unknown<'_>) -> bool {
    matches!(value.get_type(), Ok(ValueType::Null | ValueType::Undefined))
}

/// A typed array element type: its Node-API kind and JS name.
pub trait Element: Copy {
    const KIND: i32;
    const NAME: &'static str;
}

macro_rules! element {
    ($t:ty, $kind:ident, $name:literal) => {
        impl Element for $t {
            const KIND: i32 = TypedarrayType::$kind;
            const NAME: &'static str = $name;
        }
    };
}
element!(f64, float64_array, "a Float64Array");
element!(i32, int32_array, "an Int32Array");
element!(i64, bigint64_array, "a BigInt64Array");
element!(u32, uint32_array, "a Uint32Array");
element!(u8, uint8_array, "a Uint8Array");

/// Borrows the memory of a typed array of element type `T` (zero-copy).
pub fn slice<'a, T: Element>(value: Unknown<'a>, arg: &str) -> JsResult<&'a [T]> {
    let array = typed_array_of_kind(&value, arg, T::KIND, T::NAME)?;
    let data = array.element_ptr::<T>(arg)?;
    // SAFETY: `data` points to `len` aligned elements of the view (or is
    // dangling for len 0). The backing store stays alive and in place for this
    // synchronous call: no JS runs while the slice is in use.
    Ok(unsafe { std::slice::from_raw_parts(data, array.len) })
}

/// Borrows the memory of a `Float64Array` (zero-copy).
pub fn f64_slice<'a>(value: Unknown<'a>, arg: &str) -> JsResult<&'a [f64]> {
    slice(value, arg)
}

/// Borrows the memory of an optional `Uint8Array` (`null`/`undefined` → `None`).
pub fn optional_u8_slice<'a>(value: Unknown<'a>, arg: &str) -> JsResult<Option<&'a [u8]>> {
    if is_nullish(&value) {
        return Ok(None);
    }
    let array = typed_array_of_kind(
        &value,
        arg,
        TypedarrayType::uint8_array,
        "a Uint8Array, null or undefined",
    )?;
    let data = array.element_ptr::<u8>(arg)?;
    // SAFETY: as in `slice`.
    Ok(Some(unsafe { std::slice::from_raw_parts(data, array.len) }))
}

/// A typed array to be written: checked, but not yet borrowed, so that it
/// can be checked for overlap with the read-only inputs first.
pub struct Out<'a, T> {
    data: *mut T,
    len: usize,
    _value: std::marker::PhantomData<Unknown<'a>>,
}

/// The selection output of the comparison kernels.
pub type U32Out<'a> = Out<'a, u32>;

impl<'a, T: Element> Out<'a, T> {
    pub fn new(value: Unknown<'a>, arg: &str) -> JsResult<Self> {
        let array = typed_array_of_kind(&value, arg, T::KIND, T::NAME)?;
        Ok(Out {
            data: array.element_ptr::<T>(arg)?,
            len: array.len,
            _value: std::marker::PhantomData,
        })
    }

    /// Fails when this array shares memory with `other` (e.g. both are views of
    /// one ArrayBuffer): the kernel would read what it writes, and Rust must not
    /// hold a `&mut` and a `&` to the same memory.
    pub fn check_disjoint<U>(&self, other: &[U], arg: &str, other_arg: &str) -> JsResult<()> {
        let start = self.data as usize;
        let end = start + self.len * std::mem::size_of::<T>();
        let o_start = other.as_ptr() as usize;
        let o_end = o_start + std::mem::size_of_val(other);
        if start < o_end && o_start < end && self.len > 0 && !other.is_empty() {
            return Err(JsFailure::invalid_value(format!(
                "{arg} must not share memory with {other_arg}"
            )));
        }
        Ok(())
    }

    /// Borrows the array's memory mutably (zero-copy).
    pub fn into_slice(self) -> &'a mut [T] {
        // SAFETY: `data` points to `len` aligned elements of a typed array view
        // (or is dangling for len 0), alive and in place for this synchronous
        // call; the caller has checked it is disjoint from every other borrowed
        // argument (`check_disjoint`).
        unsafe { std::slice::from_raw_parts_mut(self.data, self.len) }
    }
}

/// A non-negative integer argument (a slot offset, a stride).
pub fn index(value: Unknown<'_>, arg: &str) -> JsResult<usize> {
    let x = number(value, arg)?;
    if !(x >= 0.0 && x.fract() == 0.0 && x <= 4_294_967_295.0) {
        return Err(JsFailure::new(
            crate::error::ErrorClass::RangeError,
            crate::error::ERR_OUT_OF_RANGE,
            format!("{arg} must be an integer in 0..2^32 (got {x})"),
        ));
    }
    Ok(x as usize)
}

/// A JS string argument.
pub fn string(value: Unknown<'_>, arg: &str) -> JsResult<String> {
    let raw = value.value();
    // Fast path for short strings (e.g. operator names): one Node-API call
    // into a stack buffer instead of a length query, a copy and a type check.
    let mut buf = [0u8; 64];
    let mut written = 0;
    // SAFETY: `buf` is valid for `buf.len()` bytes and `written` for a write.
    // For a non-string the call only returns `napi_string_expected`.
    let status = unsafe {
        sys::napi_get_value_string_utf8(
            raw.env,
            raw.value,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut written,
        )
    };
    if status == sys::Status::napi_string_expected {
        return Err(JsFailure::invalid_type(arg, "a string", &describe(&value)));
    }
    if status == sys::Status::napi_ok && written < buf.len() - 1 {
        // Not truncated (a truncated copy fills all but the NUL terminator).
        return Ok(String::from_utf8_lossy(&buf[..written]).into_owned());
    }
    // SAFETY: `value` is a string (napi_get_value_string_utf8 accepted it).
    Ok(unsafe { value.cast::<String>() }?)
}

/// A JS number argument.
pub fn number(value: Unknown<'_>, arg: &str) -> JsResult<f64> {
    let raw = value.value();
    let mut number = 0.0;
    // SAFETY: `number` is valid for a write. For a non-number the call only
    // returns `napi_number_expected` (no JS exception).
    let status = unsafe { sys::napi_get_value_double(raw.env, raw.value, &mut number) };
    match status {
        sys::Status::napi_ok => Ok(number),
        sys::Status::napi_number_expected => {
            Err(JsFailure::invalid_type(arg, "a number", &describe(&value)))
        }
        _ => Err(napi::Error::new(napi::Status::from(status), "cannot read a number").into()),
    }
}
