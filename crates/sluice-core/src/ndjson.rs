//! NDJSON lines from bytes straight into typed columns, for a schema fixed
//! before data flows (declared, or inferred by the TypeScript reader).
//!
//! The unit of work is "parse the lines of this byte range into column
//! buffers, from row `at` on", like [`crate::csv`]: a streaming reader calls
//! it once per window of whole lines, and a worker given a byte range that
//! starts on a line can call it once for its range.
//!
//! Grammar, value rules and error texts are those of the TypeScript reader
//! (`src/stages/sources/ndjson.ts`, `ndjson/rows.ts`, `ndjson/scanner.ts`):
//! both must give identical columns and identical errors, so any change here
//! is a change there too. In short: one JSON object per line (LF; CR, space
//! and tab are whitespace), blank lines skipped; keys of the schema fill
//! their column, a missing key or `null` is null, a key given twice is an
//! error; other keys are validated and ignored (declared schema) or an error
//! (inferred schema). Errors name the 1-based line and the 1-based column in
//! characters (code points).
//!
//! No DOM is built: each line is scanned once, in place; nested values in
//! ignored keys are only validated, nested values in utf8 columns are kept as
//! their source text.

use std::collections::HashMap;
use std::fmt::Write as _;

use rustc_hash::FxBuildHasher;

pub use crate::dictionary::Dictionary;
use crate::csv::{ColumnBuf, ColumnOut, CsvArgError, CsvType};
use crate::swar::{bytes_equal, digit_run, HIGHS, ONES, POW10};

const LF: u8 = b'\n';

/// Column types of the NDJSON reader. `Timestamp` is stored as an int64;
/// it differs from `Int64` only in the words of its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NdjsonType {
    Int32,
    Int64,
    Timestamp,
    Float64,
    Bool,
    Utf8,
}

impl NdjsonType {
    /// Names as in the job file.
    pub fn from_name(name: &str) -> Option<NdjsonType> {
        Some(match name {
            "int32" => NdjsonType::Int32,
            "int64" => NdjsonType::Int64,
            "timestamp" => NdjsonType::Timestamp,
            "float64" => NdjsonType::Float64,
            "bool" => NdjsonType::Bool,
            "utf8" => NdjsonType::Utf8,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            NdjsonType::Int32 => "int32",
            NdjsonType::Int64 => "int64",
            NdjsonType::Timestamp => "timestamp",
            NdjsonType::Float64 => "float64",
            NdjsonType::Bool => "bool",
            NdjsonType::Utf8 => "utf8",
        }
    }

    /// The buffer type its values are written to (utf8: dictionary codes).
    pub fn buffer(self) -> CsvType {
        match self {
            NdjsonType::Int32 => CsvType::Int32,
            NdjsonType::Int64 | NdjsonType::Timestamp => CsvType::Int64,
            NdjsonType::Float64 => CsvType::Float64,
            NdjsonType::Bool => CsvType::Bool,
            NdjsonType::Utf8 => CsvType::Utf8,
        }
    }

    fn article(self) -> &'static str {
        match self {
            NdjsonType::Int32 | NdjsonType::Int64 => "an",
            _ => "a",
        }
    }
}

/// How the schema was fixed: it decides whether unknown keys are errors, and
/// the hint that ends a wrong-type error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaOrigin {
    /// The job declared the schema (unknown keys are ignored).
    pub declared: bool,
    /// For an inferred schema: the non-blank lines of the sample, if known.
    pub sample_lines: Option<u64>,
}

/// A problem in the data: the message text at a physical line (1-based) and
/// column (1-based, in characters; absent when not known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NdjsonError {
    pub line: u64,
    pub column: Option<u32>,
    pub detail: String,
}

/// What one call did: `consumed` bytes of whole lines (`rows` of them
/// objects) were read; `line` is the physical line at `consumed`. On an
/// error, everything before the bad line was converted and `consumed` stops
/// at that line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NdjsonChunk {
    pub consumed: usize,
    pub rows: usize,
    pub line: u64,
    pub error: Option<NdjsonError>,
}

/// Checks that `input` is UTF-8. The error names the line holding the first
/// bad byte (`line` is the line `input` starts on) and its column: the
/// characters before the bad sequence, plus one.
pub fn check_utf8(input: &[u8], line: u64) -> Result<(), NdjsonError> {
    let Err(e) = std::str::from_utf8(input) else {
        return Ok(());
    };
    let bad = e.valid_up_to();
    let before = &input[..bad];
    let line_start = memchr::memrchr(LF, before).map_or(0, |i| i + 1);
    Err(NdjsonError {
        line: line + memchr::memchr_iter(LF, before).count() as u64,
        column: Some(chars(&before[line_start..]) as u32 + 1),
        detail: "invalid UTF-8".to_owned(),
    })
}

/// Code points in valid UTF-8 `bytes` (bytes that do not continue a sequence).
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// The kind of a JSON value, from its first byte.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    Bool,
    Number,
    String,
    Object,
    Array,
}

/// A number's syntax, as scanned.
struct Number {
    end: usize,
    /// No fraction and no exponent.
    integer: bool,
    negative: bool,
    /// `mantissa / 10^fraction` is the exact value (see `scan_number`).
    fast: bool,
    /// An integer literal of at most 18 digits: `mantissa` is its magnitude.
    small: bool,
    /// The digits read as one integer (wrapped when there are too many).
    mantissa: u64,
    fraction: u32,
}

/// An error at byte `at` of the current line, before its line number and
/// column are known.
struct Fail {
    at: usize,
    detail: String,
}

type Scan<T> = Result<T, Fail>;

fn fail<T>(at: usize, detail: impl Into<String>) -> Scan<T> {
    Err(Fail {
        at,
        detail: detail.into(),
    })
}

const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// An NDJSON reader for one schema; holds the dictionaries of the batch
/// being read.
pub struct NdjsonParser {
    names: Vec<String>,
    types: Vec<NdjsonType>,
    lookup: HashMap<Box<[u8]>, usize, FxBuildHasher>,
    /// Each name's bytes when it needs no escape in JSON (so can be matched in place).
    plain_names: Vec<Option<PlainName>>,
    origin: SchemaOrigin,
    dictionaries: Vec<Dictionary>,
    /// `seen[c] == stamp` when column `c` got a value on the current line.
    seen: Vec<u64>,
    stamp: u64,
    /// Unescaped strings and the closers of nested values, reused.
    scratch: Vec<u8>,
    closers: Vec<u8>,
}

impl NdjsonParser {
    /// A parser for the columns `names` of types `types` (same length).
    pub fn new(names: Vec<String>, types: Vec<NdjsonType>, origin: SchemaOrigin) -> NdjsonParser {
        assert_eq!(names.len(), types.len(), "one type per name");
        let lookup = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_bytes().into(), i))
            .collect();
        let plain_names = names.iter().map(|n| PlainName::of(n)).collect();
        NdjsonParser {
            plain_names,
            dictionaries: (0..names.len()).map(|_| Dictionary::default()).collect(),
            seen: vec![0; names.len()],
            stamp: 0,
            names,
            types,
            lookup,
            origin,
            scratch: Vec::new(),
            closers: Vec::new(),
        }
    }

    pub fn width(&self) -> usize {
        self.types.len()
    }

    pub fn types(&self) -> &[NdjsonType] {
        &self.types
    }

    /// The dictionary built so far for column `column` (empty if not utf8).
    pub fn dictionary(&self, column: usize) -> &Dictionary {
        &self.dictionaries[column]
    }

    /// Starts a new batch: every dictionary is emptied.
    pub fn clear_dictionaries(&mut self) {
        for dictionary in &mut self.dictionaries {
            dictionary.clear();
        }
    }

    /// Parses up to `max_rows` objects from the lines of `input` into rows
    /// `at..at + max_rows` of `columns` (validity bitmaps set to all ones by
    /// the caller; nulls are cleared). `eof` says `input` ends the file (its
    /// last line needs no line break); `line` is the physical line `input`
    /// starts on. Blank lines are consumed without a row.
    pub fn parse(
        &mut self,
        input: &[u8],
        eof: bool,
        line: u64,
        columns: &mut [ColumnOut<'_>],
        at: usize,
        max_rows: usize,
    ) -> Result<NdjsonChunk, CsvArgError> {
        self.check(columns, at + max_rows)?;
        let mut pos = 0;
        let mut line = line;
        let mut rows = 0;
        let mut error = None;
        while rows < max_rows && pos < input.len() {
            let end = match memchr::memchr(LF, &input[pos..]) {
                Some(offset) => pos + offset,
                None if eof => input.len(),
                None => break,
            };
            let text = &input[pos..end];
            match self.row(text, columns, at + rows) {
                Ok(true) => rows += 1,
                Ok(false) => {}
                Err(f) => {
                    error = Some(NdjsonError {
                        line,
                        column: Some(chars(&text[..f.at.min(text.len())]) as u32 + 1),
                        detail: f.detail,
                    });
                    break;
                }
            }
            line += 1;
            pos = (end + 1).min(input.len());
        }
        Ok(NdjsonChunk {
            consumed: pos,
            rows,
            line,
            error,
        })
    }

    fn check(&self, columns: &[ColumnOut<'_>], rows: usize) -> Result<(), CsvArgError> {
        if columns.len() != self.types.len() {
            return Err(CsvArgError::Width {
                expected: self.types.len(),
                got: columns.len(),
            });
        }
        for (column, (out, ty)) in columns.iter().zip(&self.types).enumerate() {
            let (same, len) = match (&out.values, ty.buffer()) {
                (ColumnBuf::Int32(v), CsvType::Int32) => (true, v.len()),
                (ColumnBuf::Int64(v), CsvType::Int64) => (true, v.len()),
                (ColumnBuf::Float64(v), CsvType::Float64) => (true, v.len()),
                (ColumnBuf::Bool(v), CsvType::Bool) => (true, v.len()),
                (ColumnBuf::Utf8(v), CsvType::Utf8) => (true, v.len()),
                _ => (false, 0),
            };
            if !same {
                return Err(CsvArgError::Type { column });
            }
            if len < rows {
                return Err(CsvArgError::TooShort {
                    column,
                    what: "columns",
                    needed: rows,
                    got: len,
                });
            }
            if out.validity.len() < rows.div_ceil(8) {
                return Err(CsvArgError::TooShort {
                    column,
                    what: "validity",
                    needed: rows.div_ceil(8),
                    got: out.validity.len(),
                });
            }
        }
        Ok(())
    }

    /// One line (without its LF) into row `row`; `Ok(false)` for a blank line.
    fn row(&mut self, l: &[u8], columns: &mut [ColumnOut<'_>], row: usize) -> Scan<bool> {
        let mut p = ws(l, 0);
        if p >= l.len() {
            return Ok(false);
        }
        if l[p] != b'{' {
            return self.not_an_object(l, p);
        }
        self.stamp += 1;
        let stamp = self.stamp;
        let count = self.names.len();
        let mut expected = 0;
        let mut filled = 0;
        p = ws(l, p + 1);
        if at(l, p) == b'}' {
            p += 1;
        } else {
            loop {
                p = ws(l, p);
                if at(l, p) != b'"' {
                    return fail(
                        p,
                        format!("expected a double-quoted key, found {}", found(l, p)),
                    );
                }
                let key_start = p;
                // Keys usually come in the schema's order: try the column after the last
                // one first, in place (a plain name followed by the closing quote).
                let plain = if expected < count {
                    self.plain_names[expected].as_ref()
                } else {
                    None
                };
                let column = match plain {
                    Some(name) if key_is(l, p + 1, name) => {
                        p += name.bytes.len() + 2;
                        Some(expected)
                    }
                    _ => {
                        let (close, escaped) = string_end(l, p)?;
                        let raw = &l[p + 1..close];
                        let column = if !escaped {
                            self.lookup.get(raw).copied()
                        } else {
                            self.scratch.clear();
                            unescape_into(raw, &mut self.scratch);
                            self.lookup.get(&self.scratch[..]).copied()
                        };
                        if column.is_none() && !self.origin.declared {
                            return fail(key_start, self.unknown_key(raw));
                        }
                        p = close + 1;
                        column
                    }
                };
                p = ws(l, p);
                if at(l, p) != b':' {
                    return fail(
                        p,
                        format!("expected ':' after a key, found {}", found(l, p)),
                    );
                }
                p = ws(l, p + 1);
                match column {
                    None => p = self.skip_value(l, p)?,
                    Some(c) => {
                        if self.seen[c] == stamp {
                            return fail(
                                key_start,
                                format!("duplicate key {}", quote_str(&self.names[c])),
                            );
                        }
                        self.seen[c] = stamp;
                        filled += 1;
                        p = self.value(l, p, c, &mut columns[c], row)?;
                        expected = c + 1;
                    }
                }
                p = ws(l, p);
                match at(l, p) {
                    b',' => p += 1,
                    b'}' => {
                        p += 1;
                        break;
                    }
                    _ => {
                        return fail(
                            p,
                            format!("expected ',' or '}}' after a value, found {}", found(l, p)),
                        );
                    }
                }
            }
        }
        p = ws(l, p);
        if p < l.len() {
            return fail(
                p,
                format!(
                    "unexpected {} after the object (one object per line)",
                    found(l, p)
                ),
            );
        }
        if filled != count {
            for (c, out) in columns.iter_mut().enumerate() {
                if self.seen[c] != stamp {
                    set_null(out, row);
                }
            }
        }
        Ok(true)
    }

    /// Reads the value at `p` into `out`, row `row`; returns the index after it.
    fn value(
        &mut self,
        l: &[u8],
        p: usize,
        c: usize,
        out: &mut ColumnOut<'_>,
        row: usize,
    ) -> Scan<usize> {
        let b = at(l, p);
        if b == b'n' {
            let end = literal(l, p, b"null")?;
            set_null(out, row);
            return Ok(end);
        }
        let is_number = b == b'-' || b.is_ascii_digit();
        let ty = self.types[c];
        match &mut out.values {
            ColumnBuf::Float64(v) => {
                if is_number {
                    let n = scan_number(l, p)?;
                    v[row] = number_value(l, p, &n);
                    Ok(n.end)
                } else if b == b'"' {
                    let (close, escaped) = string_end(l, p)?;
                    let raw = &l[p + 1..close];
                    let text: &[u8] = if escaped {
                        self.scratch.clear();
                        unescape_into(raw, &mut self.scratch);
                        &self.scratch
                    } else {
                        raw
                    };
                    v[row] = match text {
                        b"NaN" => f64::NAN,
                        b"Infinity" => f64::INFINITY,
                        b"-Infinity" => f64::NEG_INFINITY,
                        _ => {
                            return self.wrong_type(
                                l,
                                p,
                                c,
                                "a number (or \"NaN\", \"Infinity\", \"-Infinity\")",
                            )
                        }
                    };
                    Ok(close + 1)
                } else {
                    self.wrong_type(l, p, c, "a number")
                }
            }
            ColumnBuf::Int64(v) => {
                if !is_number {
                    let expected = if ty == NdjsonType::Timestamp {
                        "an integer (epoch milliseconds)"
                    } else {
                        "an integer"
                    };
                    return self.wrong_type(l, p, c, expected);
                }
                let n = scan_number(l, p)?;
                v[row] = if n.integer {
                    match exact_i64(l, p, &n) {
                        Some(x) => x,
                        None => return self.out_of_range(l, p, c, "int64"),
                    }
                } else {
                    // 12.0 or 1.2e3: accepted when it is an integer a double holds exactly.
                    let x = number_value(l, p, &n);
                    if !(x.fract() == 0.0 && x.abs() <= MAX_SAFE) {
                        return self.not_integer(l, p, c);
                    }
                    x as i64
                };
                Ok(n.end)
            }
            ColumnBuf::Int32(v) => {
                if !is_number {
                    return self.wrong_type(l, p, c, "an integer");
                }
                let n = scan_number(l, p)?;
                let x = number_value(l, p, &n);
                if !(x.is_finite() && x.fract() == 0.0) || (!n.integer && x.abs() > MAX_SAFE) {
                    return self.not_integer(l, p, c);
                }
                if !(-2_147_483_648.0..=2_147_483_647.0).contains(&x) {
                    return self.out_of_range(l, p, c, "int32");
                }
                v[row] = x as i32;
                Ok(n.end)
            }
            ColumnBuf::Bool(v) => {
                let end = match b {
                    b't' => literal(l, p, b"true")?,
                    b'f' => literal(l, p, b"false")?,
                    _ => return self.wrong_type(l, p, c, "true or false"),
                };
                v[row] = (b == b't') as u8;
                Ok(end)
            }
            ColumnBuf::Utf8(v) => {
                // Where the text starts in the line, when it is the line's own bytes.
                let (end, text, start): (usize, &[u8], Option<usize>) = if b == b'"' {
                    let (close, escaped) = string_end(l, p)?;
                    let raw = &l[p + 1..close];
                    if escaped {
                        self.scratch.clear();
                        unescape_into(raw, &mut self.scratch);
                        (close + 1, &self.scratch, None)
                    } else {
                        (close + 1, raw, Some(p + 1))
                    }
                } else {
                    // Not a string: kept as its JSON text, exactly as written.
                    let end = self.skip_value(l, p)?;
                    (end, &l[p..end], Some(p))
                };
                match self.dictionaries[c].code_of(text) {
                    Some(code) => v[row] = code,
                    // Only when the caller did not check the window with `check_utf8`.
                    None => {
                        let bad = std::str::from_utf8(text)
                            .err()
                            .map_or(0, |e| e.valid_up_to());
                        return fail(start.map_or(p, |s| s + bad), "invalid UTF-8");
                    }
                }
                Ok(end)
            }
        }
    }

    /// Steps over the value at `p`, checking it fully (nested values
    /// included, without recursion); returns the index after it.
    fn skip_value(&mut self, l: &[u8], mut p: usize) -> Scan<usize> {
        let mut closers = std::mem::take(&mut self.closers);
        closers.clear();
        let result = skip_value(l, &mut p, &mut closers).map(|()| p);
        self.closers = closers;
        result
    }

    /// The line does not start with `{`: say what it is instead.
    fn not_an_object<T>(&mut self, l: &[u8], p: usize) -> Scan<T> {
        let kind = kind_here(l, p)?;
        self.skip_value(l, p)?;
        let what = match kind {
            Kind::Array => "an array",
            Kind::String => "a string",
            Kind::Number => "a number",
            Kind::Bool => "a boolean",
            _ => "null",
        };
        fail(
            p,
            format!("expected a JSON object on each line, found {what}"),
        )
    }

    fn unknown_key(&self, raw: &[u8]) -> String {
        format!(
            "key {} is not in the schema, which was inferred from {} (columns: {}); declare `schema` in the source options to read it, or to ignore keys you do not list",
            quote_raw(raw),
            self.sample(),
            self.names.join(", ")
        )
    }

    fn wrong_type<T>(&self, l: &[u8], p: usize, c: usize, expected: &str) -> Scan<T> {
        let ty = self.types[c];
        let found = describe_value(l, p)?;
        fail(
            p,
            format!(
                "key {}: expected {expected} for {} {} column, found {found}; {}",
                quote_str(&self.names[c]),
                ty.article(),
                ty.name(),
                self.hint(c)
            ),
        )
    }

    fn not_integer<T>(&self, l: &[u8], p: usize, c: usize) -> Scan<T> {
        self.wrong_type(l, p, c, "an integer")
    }

    fn out_of_range<T>(&self, l: &[u8], p: usize, c: usize, type_name: &str) -> Scan<T> {
        let n = scan_number(l, p)?;
        fail(
            p,
            format!(
                "key {}: {} is outside the {type_name} range; {}",
                quote_str(&self.names[c]),
                ascii(&l[p..n.end]),
                self.hint(c)
            ),
        )
    }

    fn hint(&self, c: usize) -> String {
        if self.origin.declared {
            format!(
                "the declared schema says {}: {}",
                self.names[c],
                self.types[c].name()
            )
        } else {
            format!(
                "the schema was inferred from {}; declare `schema` in the source options to choose the column types",
                self.sample()
            )
        }
    }

    fn sample(&self) -> String {
        match self.origin.sample_lines {
            None => "a sample at the start of the file".to_owned(),
            Some(n) => format!(
                "the first {n} non-blank line{}",
                if n == 1 { "" } else { "s" }
            ),
        }
    }
}

fn set_null(out: &mut ColumnOut<'_>, row: usize) {
    out.validity[row >> 3] &= !(1u8 << (row & 7));
}

/// The byte at `i`, or LF (which never occurs inside a line) past its end:
/// every token check then rejects the end of the line.
#[inline(always)]
fn at(l: &[u8], i: usize) -> u8 {
    if i < l.len() {
        l[i]
    } else {
        LF
    }
}

/// The key whose content starts at `k` is exactly `name` (plain): `name` then a quote.
#[inline(always)]
fn key_is(l: &[u8], k: usize, name: &PlainName) -> bool {
    let bytes = &name.bytes[..];
    let end = k + bytes.len();
    if end >= l.len() || l[end] != b'"' {
        return false;
    }
    // Names of up to 8 bytes (the usual) in one comparison of words.
    if bytes.len() <= 8 && k + 8 <= l.len() {
        let word = u64::from_le_bytes(l[k..k + 8].try_into().unwrap());
        return word & name.mask == name.word;
    }
    l[k..end] == *bytes
}

/// A column name that needs no escape in JSON, ready to be matched in place.
struct PlainName {
    bytes: Box<[u8]>,
    /// Its first 8 bytes as a little-endian word, and the mask of its length.
    word: u64,
    mask: u64,
}

impl PlainName {
    fn of(name: &str) -> Option<PlainName> {
        let b = name.as_bytes();
        if b.is_empty() || b.iter().any(|&c| c < 0x20 || c == b'"' || c == b'\\') {
            return None;
        }
        let mut head = [0u8; 8];
        let n = b.len().min(8);
        head[..n].copy_from_slice(&b[..n]);
        Some(PlainName {
            bytes: b.into(),
            word: u64::from_le_bytes(head),
            mask: u64::MAX >> (8 * (8 - n)),
        })
    }
}

/// Skips space, tab and CR.
#[inline(always)]
fn ws(l: &[u8], p: usize) -> usize {
    // Most calls find a token at once: one comparison settles them.
    match l.get(p) {
        Some(&b) if b > b' ' => p,
        _ => ws_slow(l, p),
    }
}

#[inline(never)]
fn ws_slow(l: &[u8], mut p: usize) -> usize {
    while p < l.len() && matches!(l[p], b' ' | b'\t' | b'\r') {
        p += 1;
    }
    p
}

/// The character at `i` for a message: `'x'`, a control character, or the end of the line.
fn found(l: &[u8], i: usize) -> String {
    if i >= l.len() {
        return "the end of the line".to_owned();
    }
    let b = l[i];
    if b < 32 {
        return format!("control character U+{:04X}", b);
    }
    format!("'{}'", char_at(l, i))
}

/// The character starting at byte `i` (U+FFFD if the bytes there are not UTF-8).
fn char_at(l: &[u8], i: usize) -> char {
    let len = match l[i] {
        0..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    };
    std::str::from_utf8(&l[i..(i + len).min(l.len())])
        .ok()
        .and_then(|s| s.chars().next())
        .unwrap_or('\u{fffd}')
}

/// ASCII bytes (a scanned number) as a `&str`.
fn ascii(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or("")
}

fn literal(l: &[u8], p: usize, word: &'static [u8]) -> Scan<usize> {
    if l[p..].starts_with(word) {
        Ok(p + word.len())
    } else {
        fail(p, format!("invalid literal: expected {}", ascii(word)))
    }
}

fn kind_here(l: &[u8], p: usize) -> Scan<Kind> {
    Ok(match at(l, p) {
        b'"' => Kind::String,
        b'-' | b'0'..=b'9' => Kind::Number,
        b'{' => Kind::Object,
        b'[' => Kind::Array,
        b't' | b'f' => Kind::Bool,
        b'n' => Kind::Null,
        _ => return fail(p, format!("expected a value, found {}", found(l, p))),
    })
}


/// Bit 7 of each byte below 0x20 is set (lowest one exact, as above).
#[inline(always)]
fn bytes_below_space(word: u64) -> u64 {
    word.wrapping_sub(ONES * 0x20) & !word & HIGHS
}

/// With `l[p]` the opening quote of a string: checks the string (escapes,
/// no raw control characters) and returns the index of its closing quote and
/// whether it holds an escape.
#[inline]
fn string_end(l: &[u8], p: usize) -> Scan<(usize, bool)> {
    let n = l.len();
    let mut escaped = false;
    let mut i = p + 1;
    loop {
        // Eight plain bytes at a time: most strings have no escape.
        while i + 8 <= n {
            let word = u64::from_le_bytes(l[i..i + 8].try_into().unwrap());
            let hits = bytes_equal(word, b'"') | bytes_equal(word, b'\\') | bytes_below_space(word);
            if hits != 0 {
                i += (hits.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        let c = at(l, i);
        if c == b'"' {
            return Ok((i, escaped));
        }
        if c == b'\\' {
            escaped = true;
            let e = at(l, i + 1);
            if e == b'u' {
                if !(2..6).all(|k| at(l, i + k).is_ascii_hexdigit()) {
                    return fail(
                        i,
                        "invalid \\u escape in a string: expected four hex digits",
                    );
                }
                i += 6;
            } else if matches!(e, b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') {
                i += 2;
            } else if i + 1 >= n {
                return fail(i, "unterminated string");
            } else {
                return fail(
                    i,
                    format!("invalid escape \\{} in a string", char_at(l, i + 1)),
                );
            }
            continue;
        }
        if c < 32 {
            if i >= n {
                return fail(i, "unterminated string (a string must close on its line)");
            }
            return fail(
                i,
                format!("raw {} in a string (write it escaped)", found(l, i)),
            );
        }
        i += 1;
    }
}

fn hex4(h: &[u8]) -> u32 {
    h.iter().fold(0, |acc, &b| {
        acc * 16 + (b as char).to_digit(16).unwrap_or(0)
    })
}

/// One step of a checked string's content at `raw[i]`: a code unit (from an
/// escape; surrogates possible) or a whole character, and the next index.
enum Unit {
    Char(char),
    Surrogate(u32),
}

fn next_unit(raw: &[u8], i: usize) -> (Unit, usize) {
    if raw[i] != b'\\' {
        let c = char_at(raw, i);
        return (Unit::Char(c), i + c.len_utf8().max(1));
    }
    let simple = |c: char| (Unit::Char(c), i + 2);
    match raw[i + 1] {
        b'b' => simple('\u{8}'),
        b'f' => simple('\u{c}'),
        b'n' => simple('\n'),
        b'r' => simple('\r'),
        b't' => simple('\t'),
        b'u' => {
            let unit = hex4(&raw[i + 2..i + 6]);
            if (0xd800..0xdc00).contains(&unit)
                && raw.get(i + 6) == Some(&b'\\')
                && raw.get(i + 7) == Some(&b'u')
            {
                let low = hex4(&raw[i + 8..i + 12]);
                if (0xdc00..0xe000).contains(&low) {
                    let c = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
                    return (Unit::Char(char::from_u32(c).unwrap_or('\u{fffd}')), i + 12);
                }
            }
            match char::from_u32(unit) {
                Some(c) => (Unit::Char(c), i + 6),
                None => (Unit::Surrogate(unit), i + 6),
            }
        }
        other => simple(other as char),
    }
}

/// The value of a checked string's content `raw` as UTF-8, as JS would
/// store it: a lone surrogate becomes U+FFFD (what TextEncoder writes).
fn unescape_into(raw: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < raw.len() {
        let plain = memchr::memchr(b'\\', &raw[i..]).map_or(raw.len(), |o| i + o);
        out.extend_from_slice(&raw[i..plain]);
        i = plain;
        if i < raw.len() {
            let (unit, next) = next_unit(raw, i);
            let c = match unit {
                Unit::Char(c) => c,
                Unit::Surrogate(_) => '\u{fffd}',
            };
            out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            i = next;
        }
    }
}

/// `c` as JSON.stringify writes it inside quotes.
fn push_quoted(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x20 => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => out.push(c),
    }
}

/// `JSON.stringify(s)`.
fn quote_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_quoted(&mut out, c);
    }
    out.push('"');
    out
}

/// `JSON.stringify(JSON.parse('"' + raw + '"'))` for a checked string's content.
fn quote_raw(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len() + 2);
    out.push('"');
    let mut i = 0;
    while i < raw.len() {
        let (unit, next) = next_unit(raw, i);
        match unit {
            Unit::Char(c) => push_quoted(&mut out, c),
            Unit::Surrogate(u) => {
                let _ = write!(out, "\\u{u:04x}");
            }
        }
        i = next;
    }
    out.push('"');
    out
}

/// At most 40 UTF-16 code units: longer text is cut to 37 (never inside a
/// surrogate pair) and `...` added.
fn clip(s: String) -> String {
    if s.encode_utf16().count() <= 40 {
        return s;
    }
    let mut units = 0;
    let mut out = String::new();
    for c in s.chars() {
        units += c.len_utf16();
        if units > 37 {
            break;
        }
        out.push(c);
    }
    out.push_str("...");
    out
}

/// A short description of the value at `p` for a message: `the string "abc"`, `an object`.
fn describe_value(l: &[u8], p: usize) -> Scan<String> {
    Ok(match kind_here(l, p)? {
        Kind::String => {
            let (close, _) = string_end(l, p)?;
            format!("the string {}", clip(quote_raw(&l[p + 1..close])))
        }
        Kind::Number => {
            let n = scan_number(l, p)?;
            format!("the number {}", clip(ascii(&l[p..n.end]).to_owned()))
        }
        Kind::Bool => (if l[p] == b't' { "true" } else { "false" }).to_owned(),
        Kind::Null => "null".to_owned(),
        Kind::Object => "an object".to_owned(),
        Kind::Array => "an array".to_owned(),
    })
}

/// With `l[p]` `-` or a digit: checks the number against JSON's grammar,
/// gathering its digits on the way (one pass for the common shapes).
#[inline(always)]
fn scan_number(l: &[u8], p: usize) -> Scan<Number> {
    let mut i = p;
    let negative = at(l, i) == b'-';
    if negative {
        i += 1;
    }
    let mut mantissa: u64 = 0;
    let mut digits = 0u32;
    let c = at(l, i);
    if c == b'0' {
        i += 1;
        if at(l, i).is_ascii_digit() {
            return fail(p, "a number cannot have a leading zero");
        }
    } else if c.is_ascii_digit() {
        let (value, stop) = digit_run(l, i, 0);
        mantissa = value;
        digits = (stop - i) as u32;
        i = stop;
    } else {
        return Err(bad_number(l, i, "after '-'"));
    }
    let mut integer = true;
    let mut fraction = 0u32;
    if at(l, i) == b'.' {
        integer = false;
        i += 1;
        if !at(l, i).is_ascii_digit() {
            return Err(bad_number(l, i, "after '.'"));
        }
        loop {
            let d = at(l, i).wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            mantissa = mantissa.wrapping_mul(10).wrapping_add(d as u64);
            // Leading zeros of a fraction (0.001) are not significant.
            if mantissa != 0 {
                digits += 1;
            }
            fraction += 1;
            i += 1;
        }
    }
    let mut exponent = false;
    if matches!(at(l, i), b'e' | b'E') {
        integer = false;
        exponent = true;
        i += 1;
        if matches!(at(l, i), b'+' | b'-') {
            i += 1;
        }
        if !at(l, i).is_ascii_digit() {
            return Err(bad_number(l, i, "in the exponent"));
        }
        while at(l, i).is_ascii_digit() {
            i += 1;
        }
    }
    Ok(Number {
        end: i,
        integer,
        negative,
        // At most 15 significant digits and no exponent: the mantissa is
        // exact (< 2^53) and so is 10^fraction, so one division is correctly
        // rounded (Clinger's fast path).
        fast: !exponent && digits <= 15 && fraction <= 22,
        small: integer && digits <= 18,
        mantissa,
        fraction,
    })
}

#[cold]
fn bad_number(l: &[u8], i: usize, place: &str) -> Fail {
    Fail {
        at: i,
        detail: format!(
            "invalid number: expected a digit {place}, found {}",
            found(l, i)
        ),
    }
}

/// The scanned number at `l[p..n.end]` as the correctly rounded double (what
/// JSON.parse gives: `-0` is negative zero, beyond the range is ±Infinity).
#[inline]
fn number_value(l: &[u8], p: usize, n: &Number) -> f64 {
    if n.fast {
        let magnitude = n.mantissa as f64 / POW10[n.fraction as usize];
        return if n.negative { -magnitude } else { magnitude };
    }
    ascii(&l[p..n.end]).parse::<f64>().unwrap_or(f64::NAN)
}

/// An integer literal (`-?digits`) as an exact int64, or `None` outside the range.
#[inline]
fn exact_i64(l: &[u8], p: usize, n: &Number) -> Option<i64> {
    let value = if n.small {
        // At most 18 digits: below 10^18 < 2^63, gathered without overflow.
        n.mantissa
    } else {
        let digits = &l[p + n.negative as usize..n.end];
        let mut value: u64 = 0;
        for &b in digits {
            value = value.checked_mul(10)?.checked_add((b - b'0') as u64)?;
        }
        value
    };
    if n.negative {
        if value > 1u64 << 63 {
            return None;
        }
        Some((value as i64).wrapping_neg())
    } else {
        i64::try_from(value).ok()
    }
}

/// Steps over the value at `*p`, checking it fully: the iterative twin of
/// the TypeScript scanner's `skipValue` (same errors, in the same order).
fn skip_value(l: &[u8], p: &mut usize, closers: &mut Vec<u8>) -> Result<(), Fail> {
    loop {
        // A value.
        *p = ws(l, *p);
        match kind_here(l, *p)? {
            Kind::String => *p = string_end(l, *p)?.0 + 1,
            Kind::Number => *p = scan_number(l, *p)?.end,
            Kind::Bool => {
                *p = if l[*p] == b't' {
                    literal(l, *p, b"true")?
                } else {
                    literal(l, *p, b"false")?
                }
            }
            Kind::Null => *p = literal(l, *p, b"null")?,
            Kind::Object => {
                *p = ws(l, *p + 1);
                if at(l, *p) == b'}' {
                    *p += 1;
                } else {
                    closers.push(b'}');
                    object_key(l, p)?;
                    continue;
                }
            }
            Kind::Array => {
                *p = ws(l, *p + 1);
                if at(l, *p) == b']' {
                    *p += 1;
                } else {
                    closers.push(b']');
                    continue;
                }
            }
        }
        // After a value: a comma (then the next member), or the closers it completes.
        loop {
            let Some(&closer) = closers.last() else {
                return Ok(());
            };
            *p = ws(l, *p);
            let c = at(l, *p);
            if c == closer {
                closers.pop();
                *p += 1;
                continue;
            }
            if c == b',' {
                *p += 1;
                if closer == b'}' {
                    object_key(l, p)?;
                }
                break;
            }
            return fail(
                *p,
                format!(
                    "expected ',' or '{}', found {}",
                    closer as char,
                    found(l, *p)
                ),
            );
        }
    }
}

/// Inside an object: a key and its colon (the key's value is not read).
fn object_key(l: &[u8], p: &mut usize) -> Result<(), Fail> {
    *p = ws(l, *p);
    if at(l, *p) != b'"' {
        return fail(
            *p,
            format!("expected a double-quoted key, found {}", found(l, *p)),
        );
    }
    *p = string_end(l, *p)?.0 + 1;
    *p = ws(l, *p);
    if at(l, *p) != b':' {
        return fail(
            *p,
            format!("expected ':' after a key, found {}", found(l, *p)),
        );
    }
    *p += 1;
    Ok(())
}

#[cfg(test)]
mod tests;
