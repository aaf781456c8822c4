//! Bindings of the NDJSON parser (`sluice_core::ndjson`): one call per
//! window of whole lines (many thousands of rows), never per row.
//!
//! As for CSV (`parse.rs`), the input `Uint8Array` is read in place and the
//! columns are written straight into typed arrays allocated by JS, so a
//! finished batch is JS-owned memory that can be transferred to a worker
//! thread; only the utf8 dictionaries are copied once per batch. Data errors
//! come back as values (`{ line, column, detail }`), never as exceptions;
//! wrong arguments throw a TypeError or RangeError naming the argument.

use napi::{Env, JsValue, Unknown};
use napi_derive::napi;
use sluice_core::csv::CsvType;
use sluice_core::ndjson::{check_utf8, NdjsonError, NdjsonParser, NdjsonType, SchemaOrigin};

use crate::args;
use crate::typed_args::{array_elements, boolean, column_args, column_outs};
use crate::error::{ErrorClass, JsFailure, JsResult, ERR_OUT_OF_RANGE};

fn range_error(message: String) -> JsFailure {
    JsFailure::new(ErrorClass::RangeError, ERR_OUT_OF_RANGE, message)
}

/// `input[start, end)` of a Uint8Array argument, read in place.
fn window<'a>(
    input: Unknown<'a>,
    start: Unknown<'_>,
    end: Unknown<'_>,
) -> JsResult<(&'a [u8], usize)> {
    let bytes = args::slice::<u8>(input, "input")?;
    let start = args::index(start, "start")?;
    let end = args::index(end, "end")?;
    if start > end || end > bytes.len() {
        return Err(range_error(format!(
            "start and end must satisfy start <= end <= input.length (got {start}, {end}, {})",
            bytes.len()
        )));
    }
    Ok((&bytes[start..end], start))
}

/// A data problem at a 1-based line and column (in characters).
#[napi(object)]
pub struct NdjsonParseError {
    pub line: f64,
    pub column: Option<u32>,
    pub detail: String,
}

impl From<NdjsonError> for NdjsonParseError {
    fn from(e: NdjsonError) -> Self {
        NdjsonParseError {
            line: e.line as f64,
            column: e.column,
            detail: e.detail,
        }
    }
}

/// What one `parse` call did (see `sluice_core::ndjson::NdjsonChunk`).
#[napi(object)]
pub struct NdjsonParseResult {
    /// Offset in `input` after the last line read.
    pub end: f64,
    pub rows: u32,
    /// Physical line at `end`.
    pub line: f64,
    pub error: Option<NdjsonParseError>,
}

/// An NDJSON reader for one schema; holds the dictionaries of the batch being read.
#[napi(js_name = "NdjsonParser")]
pub struct NativeNdjsonParser {
    inner: NdjsonParser,
}

#[napi]
impl NativeNdjsonParser {
    /// `names`: the column names; `types`: their types, comma-separated
    /// (`"int64,utf8,timestamp"`); `declared`: whether the job declared the
    /// schema (else keys outside it are errors); `sampleLines`: the lines an
    /// inferred schema was drawn from, or null when unknown (for messages).
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: &Env,
        #[napi(ts_arg_type = "string[]")] names: Unknown<'_>,
        #[napi(ts_arg_type = "string")] types: Unknown<'_>,
        #[napi(ts_arg_type = "boolean")] declared: Unknown<'_>,
        #[napi(ts_arg_type = "number | null")] sample_lines: Unknown<'_>,
    ) -> napi::Result<Self> {
        Self::create(names, types, declared, sample_lines).map_err(|e| e.throw(env))
    }

    fn create(
        names: Unknown<'_>,
        types: Unknown<'_>,
        declared: Unknown<'_>,
        sample_lines: Unknown<'_>,
    ) -> JsResult<Self> {
        let env = names.value().env;
        let names = array_elements(env, names.value().value, "names")?
            .into_iter()
            .enumerate()
            // SAFETY: `element` is a live value of this env.
            .map(|(i, element)| {
                args::string(
                    unsafe { Unknown::from_raw_unchecked(env, element) },
                    &format!("names[{i}]"),
                )
            })
            .collect::<JsResult<Vec<_>>>()?;
        let list = args::string(types, "types")?;
        let types = list
            .split(',')
            .filter(|name| !list.is_empty() || !name.is_empty())
            .map(|name| {
                NdjsonType::from_name(name).ok_or_else(|| {
                    JsFailure::invalid_value(format!(
                        "types must list int32, int64, timestamp, float64, bool or utf8 separated by commas (got {name:?})"
                    ))
                })
            })
            .collect::<JsResult<Vec<_>>>()?;
        if types.len() != names.len() {
            return Err(range_error(format!(
                "types must give one type per name ({} names, got {} types)",
                names.len(),
                types.len()
            )));
        }
        let declared = boolean(declared, "declared")?;
        let sample_lines = if args::is_nullish(&sample_lines) {
            None
        } else {
            Some(args::index(sample_lines, "sampleLines")? as u64)
        };
        Ok(NativeNdjsonParser {
            inner: NdjsonParser::new(
                names,
                types,
                SchemaOrigin {
                    declared,
                    sample_lines,
                },
            ),
        })
    }

    /// Checks that `input[start, end)` is UTF-8; `line` is the line it starts
    /// on. Returns the error at the first bad byte, or null.
    #[napi(catch_unwind)]
    pub fn check_utf8(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "Uint8Array")] input: Unknown<'_>,
        #[napi(ts_arg_type = "number")] start: Unknown<'_>,
        #[napi(ts_arg_type = "number")] end: Unknown<'_>,
        #[napi(ts_arg_type = "number")] line: Unknown<'_>,
    ) -> napi::Result<Option<NdjsonParseError>> {
        (|| {
            let (bytes, _) = window(input, start, end)?;
            let line = args::number(line, "line")?;
            Ok(check_utf8(bytes, line as u64).err().map(Into::into))
        })()
        .map_err(|e: JsFailure| e.throw(env))
    }

    /// Parses up to `maxRows` objects from the lines of `input[start, end)`
    /// (the first on line `line`; the last needs no line break when `eof`)
    /// into rows `at…` of `columns` (one typed array per column: Int32Array
    /// for int32 and utf8 codes, BigInt64Array for int64 and timestamp,
    /// Float64Array, Uint8Array for bool) and `validity` (bitmaps set to all
    /// ones; nulls are cleared).
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
    ) -> napi::Result<NdjsonParseResult> {
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
    ) -> JsResult<NdjsonParseResult> {
        let env = input.value().env;
        let (bytes, offset) = window(input, start, end)?;
        let eof = boolean(eof, "eof")?;
        let line = args::number(line, "line")?;
        if !(line >= 1.0 && line.fract() == 0.0 && line <= 2f64.powi(52)) {
            return Err(range_error(format!(
                "line must be an integer >= 1 (got {line})"
            )));
        }
        let at = args::index(at, "at")?;
        let max_rows = args::index(max_rows, "maxRows")?;
        let types = self.inner.types();
        let outs = column_args(
            env,
            (bytes.as_ptr() as usize, bytes.as_ptr() as usize + bytes.len()),
            columns,
            validity,
            |c| types.get(c).map_or(CsvType::Utf8, |t| t.buffer()),
        )?;
        // SAFETY: as `column_outs` requires.
        let mut columns = unsafe { column_outs(&outs) };
        let chunk = self
            .inner
            .parse(bytes, eof, line as u64, &mut columns, at, max_rows)?;
        Ok(NdjsonParseResult {
            end: (offset + chunk.consumed) as f64,
            rows: chunk.rows as u32,
            line: chunk.line as f64,
            error: chunk.error.map(Into::into),
        })
    }

    /// `[entries, bytes]` of the dictionary of column `column` so far.
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

    /// Copies the dictionary of column `column` into `offsets` (entries + 1)
    /// and `bytes`, exactly sized (see `dictionarySize`).
    #[napi(catch_unwind)]
    pub fn copy_dictionary(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "number")] column: Unknown<'_>,
        #[napi(ts_arg_type = "Int32Array")] offsets: Unknown<'_>,
        #[napi(ts_arg_type = "Uint8Array")] bytes: Unknown<'_>,
    ) -> napi::Result<()> {
        (|| {
            let c = self.column(column)?;
            let d = self.inner.dictionary(c);
            let offsets = args::Out::<i32>::new(offsets, "offsets")?.into_slice();
            let bytes = args::Out::<u8>::new(bytes, "bytes")?;
            bytes.check_disjoint(offsets, "bytes", "offsets")?;
            let bytes = bytes.into_slice();
            if offsets.len() != d.offsets().len() || bytes.len() != d.bytes().len() {
                return Err(range_error(format!(
                    "offsets and bytes must have {} and {} elements (got {} and {})",
                    d.offsets().len(),
                    d.bytes().len(),
                    offsets.len(),
                    bytes.len()
                )));
            }
            // The sources are Rust-owned: they cannot overlap the outputs.
            offsets.copy_from_slice(d.offsets());
            bytes.copy_from_slice(d.bytes());
            Ok(())
        })()
        .map_err(|e: JsFailure| e.throw(env))
    }

    /// Starts a new batch: every dictionary is emptied.
    #[napi(catch_unwind)]
    pub fn clear_dictionaries(&mut self) {
        self.inner.clear_dictionaries();
    }

    fn column(&self, column: Unknown<'_>) -> JsResult<usize> {
        let c = args::index(column, "column")?;
        if c >= self.inner.width() {
            return Err(range_error(format!(
                "column must be below {} (got {c})",
                self.inner.width()
            )));
        }
        Ok(c)
    }
}

