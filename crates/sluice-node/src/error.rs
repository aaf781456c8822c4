//! The one place where errors become JS exceptions.
//!
//! Every export returns [`JsResult`] internally; its error, [`JsFailure`],
//! records which JS error class to throw (`TypeError`, `RangeError` or
//! `Error`), a Node-style `code` and the message. Core kernel errors are
//! mapped to it by the `From<CoreError>` impl below, argument-type errors by
//! [`JsFailure::invalid_type`].
//!
//! napi-rs throws every `napi::Error` returned from a `#[napi]` function as a
//! plain `Error` (its `Status` becomes the `code`), so the subclass cannot be
//! chosen through the status. Instead [`JsFailure::throw`] throws the right
//! class through `Env::throw_type_error` / `Env::throw_range_error` and
//! returns a `Status::PendingException` error; the generated glue sees the
//! pending exception and leaves it in place instead of throwing another.

use napi::{Env, Error, Status};
use sluice_core::CoreError;

/// Result type of the binding implementations.
pub type JsResult<T> = std::result::Result<T, JsFailure>;

/// Which JS error constructor to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    Error,
    TypeError,
    RangeError,
}

/// A JS exception waiting to be thrown.
#[derive(Debug)]
pub struct JsFailure {
    pub class: ErrorClass,
    /// The exception's `code` property (Node's conventions where they fit).
    pub code: String,
    pub message: String,
}

/// `TypeError`: an argument of the wrong type.
pub const ERR_INVALID_ARG_TYPE: &str = "ERR_INVALID_ARG_TYPE";
/// `TypeError`: an argument of the right type but a value not allowed.
pub const ERR_INVALID_ARG_VALUE: &str = "ERR_INVALID_ARG_VALUE";
/// `RangeError`: a length or size out of range.
pub const ERR_OUT_OF_RANGE: &str = "ERR_OUT_OF_RANGE";

impl JsFailure {
    pub fn new(class: ErrorClass, code: &str, message: impl Into<String>) -> Self {
        JsFailure {
            class,
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// `TypeError` `"<arg> must be <expected> (got <got>)"`.
    pub fn invalid_type(arg: &str, expected: &str, got: &str) -> Self {
        Self::new(
            ErrorClass::TypeError,
            ERR_INVALID_ARG_TYPE,
            format!("{arg} must be {expected} (got {got})"),
        )
    }

    /// `TypeError` for a value of the right type that is not allowed.
    pub fn invalid_value(message: impl Into<String>) -> Self {
        Self::new(ErrorClass::TypeError, ERR_INVALID_ARG_VALUE, message)
    }

    /// Throws this failure as a JS exception of its class and returns the
    /// error the `#[napi]` function must return (see the module docs).
    pub fn throw(self, env: &Env) -> Error {
        let thrown = match self.class {
            ErrorClass::TypeError => env.throw_type_error(&self.message, Some(&self.code)),
            ErrorClass::RangeError => env.throw_range_error(&self.message, Some(&self.code)),
            ErrorClass::Error => env.throw_error(&self.message, Some(&self.code)),
        };
        match thrown {
            Ok(()) => Error::new(Status::PendingException, self.message),
            // Could not throw (e.g. the environment is shutting down): let the
            // glue throw a plain Error with the message, if it still can.
            Err(_) => Error::new(Status::GenericFailure, self.message),
        }
    }
}

impl From<CoreError> for JsFailure {
    fn from(err: CoreError) -> Self {
        // Exhaustive on purpose: a new core error must choose its JS class here.
        let (class, code) = match &err {
            CoreError::UnknownOp { .. }
            | CoreError::UnsupportedOp { .. }
            | CoreError::BadOffsets { .. } => (ErrorClass::TypeError, ERR_INVALID_ARG_VALUE),
            CoreError::OutputTooShort { .. }
            | CoreError::ValidityTooShort { .. }
            | CoreError::TooManyRows { .. }
            | CoreError::CodeOutOfRange { .. }
            | CoreError::IndexOutOfRange { .. }
            | CoreError::GroupOutOfRange { .. }
            | CoreError::BadSlots { .. }
            | CoreError::LengthMismatch { .. } => (ErrorClass::RangeError, ERR_OUT_OF_RANGE),
        };
        JsFailure::new(class, code, err.to_string())
    }
}

/// Node-API call failures (rare: engine-level problems) surface as `Error`
/// with the napi status as `code`.
impl From<Error> for JsFailure {
    fn from(err: Error) -> Self {
        JsFailure::new(ErrorClass::Error, err.status.as_ref(), err.reason)
    }
}
