//! Bindings of the CSV parser (`sluice_core::csv`): one call per window of
//! bytes (many thousands of records), never per row.
//!
//! The input `Buffer`/`Uint8Array` is read in place and the columns are
//! written straight into typed arrays allocated by JS, so a finished batch is
//! JS-owned memory that can be transferred to a worker thread (an external
//! ArrayBuffer allocated by Rust could not be). Only the utf8 dictionaries,
//! whose size is known at the end of a batch, are copied once into arrays JS
//! allocates for them.

use napi::sys::TypedarrayType;
use napi::{Env, JsValue, Unknown};
use napi_derive::napi;
use sluice_core::csv::{CsvArgError, CsvError, CsvParser, CsvType};

use crate::args;
use crate::typed_args::{boolean, column_args, column_outs, slice, slice_mut, typed};
use crate::error::{ErrorClass, JsFailure, JsResult, ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE};

impl From<CsvArgError> for JsFailure {
    fn from(err: CsvArgError) -> Self {
        let (class, code) = match err {
            CsvArgError::Width { .. } | CsvArgError::TooShort { .. } => {
                (ErrorClass::RangeError, ERR_OUT_OF_RANGE)
            }
            CsvArgError::Type { .. } => (ErrorClass::TypeError, ERR_INVALID_ARG_VALUE),
        };
        JsFailure::new(class, code, err.to_string())
    }
}

/// A non-negative integer argument that fits in `usize`.
fn index(value: Unknown<'_>, arg: &str) -> JsResult<usize> {
    let n = args::number(value, arg)?;
    if !(n >= 0.0 && n.fract() == 0.0 && n <= 2f64.powi(52)) {
        return Err(JsFailure::new(
            ErrorClass::RangeError,
            ERR_OUT_OF_RANGE,
            format!("{arg} must be a non-negative integer (got {n})"),
        ));
    }
    Ok(n as usize)
}

/// What one `parse` call did (see `sluice_core::csv::CsvChunk`).
#[napi(object)]
pub struct CsvParseResult {
    /// Offset in `input` after the last record converted.
    pub end: f64,
    pub rows: u32,
    /// Physical line at `end`.
    pub line: f64,
    pub error: Option<CsvParseError>,
}

/// A data problem: `kind` is `"grammar"` (with `detail`) or `"value"` (with
/// `reason` and the raw field `input[start, end)`, quotes doubled if `escaped`).
#[napi(object)]
pub struct CsvParseError {
    pub kind: String,
    pub line: f64,
    /// 1-based field, absent when the whole record is at fault.
    pub column: Option<u32>,
    pub detail: Option<String>,
    pub reason: Option<String>,
    pub start: Option<f64>,
    pub end: Option<f64>,
    pub escaped: Option<bool>,
}

/// A CSV reader for one schema; holds the dictionaries of the batch being read.
#[napi(js_name = "CsvParser")]
pub struct NativeCsvParser {
    inner: CsvParser,
}

#[napi]
impl NativeCsvParser {
    /// `types`: the column types, comma-separated (`"int64,utf8,float64"`;
    /// `timestamp` reads as int64; `skip` passes over a column, whose field
    /// is then neither converted nor given a buffer); `delimiter`: its byte (0–127).
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: &Env,
        #[napi(ts_arg_type = "string")] types: Unknown<'_>,
        #[napi(ts_arg_type = "number")] delimiter: Unknown<'_>,
    ) -> napi::Result<Self> {
        Self::create(types, delimiter).map_err(|e| e.throw(env))
    }

    fn create(types: Unknown<'_>, delimiter: Unknown<'_>) -> JsResult<Self> {
        let names = args::string(types, "types")?;
        let fields = names
            .split(',')
            .map(|name| match name {
                "skip" => Ok(None),
                _ => CsvType::from_name(name).map(Some).ok_or_else(|| {
                    JsFailure::invalid_value(format!(
                        "types must list int32, int64, timestamp, float64, bool, utf8 or skip separated by commas (got {name:?})"
                    ))
                }),
            })
            .collect::<JsResult<Vec<_>>>()?;
        let delimiter = index(delimiter, "delimiter")?;
        if delimiter > 127 || [b'"' as usize, b'\r' as usize, b'\n' as usize].contains(&delimiter) {
            return Err(JsFailure::new(
                ErrorClass::RangeError,
                ERR_OUT_OF_RANGE,
                format!("delimiter must be an ASCII byte other than a quote, CR or LF (got {delimiter})"),
            ));
        }
        Ok(NativeCsvParser {
            inner: CsvParser::projected(fields, delimiter as u8),
        })
    }

    /// Parses up to `maxRows` whole records of `input[start, end)` into rows
    /// `at…` of `columns` (one typed array per column not skipped, in file
    /// order: Int32Array for int32 and utf8 codes, BigInt64Array,
    /// Float64Array, Uint8Array for bool) and `validity` (bitmaps set to all
    /// ones; nulls are cleared). `columns` need not be zeroed: every slot of
    /// each row parsed is written, 0 under a null (see `writesEveryValue`).
    /// Errors number the fields of the file, skipped ones included.
    #[napi(catch_unwind)]
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        &mut self,
        env: &Env,
        #[napi(ts_arg_type = "Uint8Array")] input: Unknown<'_>,
        #[napi(ts_arg_type = "number")] start: Unknown<'_>,
        #[napi(ts_arg_type = "number")] end: Unknown<'_>,
        #[napi(ts_arg_type = "boolean")] eof: Unknown<'_>,
        #[napi(ts_arg_type = "number")] line: Unknown<'_>,
        #[napi(ts_arg_type = "Array<Int32Array | BigInt64Array | Float64Array | Uint8Array>")]
        columns: Unknown<'_>,
        #[napi(ts_arg_type = "Uint8Array[]")] validity: Unknown<'_>,
        #[napi(ts_arg_type = "number")] at: Unknown<'_>,
        #[napi(ts_arg_type = "number")] max_rows: Unknown<'_>,
    ) -> napi::Result<CsvParseResult> {
        self.parse_impl(
            input, start, end, eof, line, columns, validity, at, max_rows,
        )
        .map_err(|e| e.throw(env))
    }

    #[allow(clippy::too_many_arguments)]
    fn parse_impl(
        &mut self,
        input: Unknown<'_>,
        start: Unknown<'_>,
        end: Unknown<'_>,
        eof: Unknown<'_>,
        line: Unknown<'_>,
        columns: Unknown<'_>,
        validity: Unknown<'_>,
        at: Unknown<'_>,
        max_rows: Unknown<'_>,
    ) -> JsResult<CsvParseResult> {
        let env = input.value().env;
        let bytes = typed(
            env,
            input.value().value,
            TypedarrayType::uint8_array,
            "input",
            "a Uint8Array",
        )?;
        let start = index(start, "start")?;
        let end = index(end, "end")?;
        if start > end || end > bytes.len {
            return Err(JsFailure::new(
                ErrorClass::RangeError,
                ERR_OUT_OF_RANGE,
                format!("start and end must satisfy start <= end <= input.length (got {start}, {end}, {})", bytes.len),
            ));
        }
        let eof = boolean(eof, "eof")?;
        let line = index(line, "line")? as u64;
        let at = index(at, "at")?;
        let max_rows = index(max_rows, "maxRows")?;
        let types = self.inner.types();
        let outs = column_args(
            env,
            (bytes.data as usize, bytes.data as usize + bytes.len),
            columns,
            validity,
            |c| types.get(c).copied().unwrap_or(CsvType::Utf8),
        )?;
        // SAFETY: `bytes` is a live Uint8Array of `len` bytes for this synchronous call, and
        // `column_args` checked that no column buffer reaches it.
        let input = unsafe { slice::<u8>(&bytes) };
        // SAFETY: as `column_outs` requires.
        let mut columns = unsafe { column_outs(&outs) };
        let chunk = self
            .inner
            .parse(&input[start..end], eof, line, &mut columns, at, max_rows)?;
        let error = chunk.error.map(|error| match error {
            CsvError::Grammar {
                line,
                column,
                detail,
            } => CsvParseError {
                kind: "grammar".to_owned(),
                line: line as f64,
                column,
                detail: Some(detail),
                reason: None,
                start: None,
                end: None,
                escaped: None,
            },
            CsvError::Value {
                line,
                column,
                reason,
                start: s,
                end: e,
                escaped,
            } => CsvParseError {
                kind: "value".to_owned(),
                line: line as f64,
                column: Some(column),
                detail: None,
                reason: Some(reason.name().to_owned()),
                start: Some((start + s) as f64),
                end: Some((start + e) as f64),
                escaped: Some(escaped),
            },
        });
        Ok(CsvParseResult {
            end: (start + chunk.consumed) as f64,
            rows: chunk.rows as u32,
            line: chunk.line as f64,
            error,
        })
    }

    /// Always true: `parse` writes every value slot of each row it reports,
    /// nulls included (as 0), so the caller may allocate the columns
    /// uninitialised. An addon built before this guarantee has no such
    /// property, and the columns are then zeroed (src/stages/sources/native-columns.ts).
    #[napi(getter, catch_unwind)]
    pub fn writes_every_value(&self) -> bool {
        true
    }

    /// `[entries, bytes]` of the dictionary of kept column `column` (not counting skipped ones) so far.
    #[napi(catch_unwind, ts_return_type = "[number, number]")]
    pub fn dictionary_size(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "number")] column: Unknown<'_>,
    ) -> napi::Result<Vec<u32>> {
        self.column(column)
            .map(|c| {
                let d = self.inner.dictionary(c);
                vec![d.len() as u32, d.bytes().len() as u32]
            })
            .map_err(|e| e.throw(env))
    }

    /// Copies the dictionary of kept column `column` into `offsets` (entries + 1)
    /// and `bytes`, exactly sized (see `dictionarySize`).
    #[napi(catch_unwind)]
    pub fn copy_dictionary(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "number")] column: Unknown<'_>,
        #[napi(ts_arg_type = "Int32Array")] offsets: Unknown<'_>,
        #[napi(ts_arg_type = "Uint8Array")] bytes: Unknown<'_>,
    ) -> napi::Result<()> {
        self.copy_impl(column, offsets, bytes)
            .map_err(|e| e.throw(env))
    }

    fn copy_impl(
        &self,
        column: Unknown<'_>,
        offsets: Unknown<'_>,
        bytes: Unknown<'_>,
    ) -> JsResult<()> {
        let c = self.column(column)?;
        let env = offsets.value().env;
        let d = self.inner.dictionary(c);
        let offsets = typed(
            env,
            offsets.value().value,
            TypedarrayType::int32_array,
            "offsets",
            "an Int32Array",
        )?;
        let bytes = typed(
            env,
            bytes.value().value,
            TypedarrayType::uint8_array,
            "bytes",
            "a Uint8Array",
        )?;
        if offsets.len != d.offsets().len() || bytes.len != d.bytes().len() {
            return Err(JsFailure::new(
                ErrorClass::RangeError,
                ERR_OUT_OF_RANGE,
                format!(
                    "offsets and bytes must have {} and {} elements (got {} and {})",
                    d.offsets().len(),
                    d.bytes().len(),
                    offsets.len,
                    bytes.len
                ),
            ));
        }
        // SAFETY: as in `parse_impl`; the sources are Rust-owned, so they cannot overlap.
        unsafe { slice_mut::<i32>(&offsets) }.copy_from_slice(d.offsets());
        unsafe { slice_mut::<u8>(&bytes) }.copy_from_slice(d.bytes());
        Ok(())
    }

    /// Starts a new batch: every dictionary is emptied.
    #[napi(catch_unwind)]
    pub fn clear_dictionaries(&mut self) {
        self.inner.clear_dictionaries();
    }

    fn column(&self, column: Unknown<'_>) -> JsResult<usize> {
        let c = index(column, "column")?;
        let kept = self.inner.types().len();
        if c >= kept {
            return Err(JsFailure::new(
                ErrorClass::RangeError,
                ERR_OUT_OF_RANGE,
                format!("column must be below {kept}, the number of columns not skipped (got {c})"),
            ));
        }
        Ok(c)
    }
}

