//! CSV records from bytes straight into typed columns.
//!
//! The unit of work is "parse the whole records of this byte range into
//! column buffers, from row `at` on": a streaming reader calls it once per
//! window of the file, and a worker given a byte range that starts and ends
//! on record boundaries can call it once for its range.
//!
//! The grammar, nulls, value syntax and error texts are those of the
//! TypeScript reader (`src/stages/sources/csv.ts` and `csv/tokenizer.ts`,
//! `csv/values.ts`): both must give identical columns and identical errors,
//! so any change here is a change there too.
//!
//! - A record ends at LF, CRLF or a lone CR, or at the end of the input when
//!   `eof`. A record cut off by the end of a non-final window is left
//!   unconsumed for the next call.
//! - A field starting with `"` is quoted (`""` inside is one quote); after the
//!   closing quote only a delimiter or a line break may follow. Any other
//!   field runs to the next delimiter or line break.
//! - An empty line is a null value when records have one field, else skipped.
//! - An empty unquoted field is null; a quoted empty field is `""` in a utf8
//!   column and null in any other.
//! - utf8 columns are dictionary-encoded: codes in first-appearance order.

use std::fmt;

pub use crate::dictionary::Dictionary;
use crate::swar::{bytes_equal, digit_run, eight_digits, non_digits, POW10, POW10_U64};

const LF: u8 = b'\n';
const CR: u8 = b'\r';
const QUOTE: u8 = b'"';

/// The column types a CSV column can be read as (`timestamp` reads as int64).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvType {
    Int32,
    Int64,
    Float64,
    Bool,
    Utf8,
}

impl CsvType {
    /// Names as in the job file; `timestamp` is epoch milliseconds in an int64.
    pub fn from_name(name: &str) -> Option<CsvType> {
        Some(match name {
            "int32" => CsvType::Int32,
            "int64" | "timestamp" => CsvType::Int64,
            "float64" => CsvType::Float64,
            "bool" => CsvType::Bool,
            "utf8" => CsvType::Utf8,
            _ => return None,
        })
    }
}

/// Where one column's values of a batch go. Buffers are owned by the caller
/// (in sluice, JS-allocated typed arrays), so a finished batch needs no copy.
pub enum ColumnBuf<'a> {
    Int32(&'a mut [i32]),
    Int64(&'a mut [i64]),
    Float64(&'a mut [f64]),
    /// One byte per value, 1 or 0.
    Bool(&'a mut [u8]),
    /// Dictionary codes; the dictionary itself is held by the parser.
    Utf8(&'a mut [i32]),
}

impl ColumnBuf<'_> {
    fn len(&self) -> usize {
        match self {
            ColumnBuf::Int32(v) => v.len(),
            ColumnBuf::Int64(v) => v.len(),
            ColumnBuf::Float64(v) => v.len(),
            ColumnBuf::Bool(v) => v.len(),
            ColumnBuf::Utf8(v) => v.len(),
        }
    }

    /// Writes 0 (code 0, false) at `row`: the value under a null. The caller's
    /// buffers may start uninitialised (sluice allocates them so, to skip
    /// zeroing them), so every slot of every row reported must be written.
    #[inline(always)]
    fn zero(&mut self, row: usize) {
        match self {
            ColumnBuf::Int32(v) | ColumnBuf::Utf8(v) => v[row] = 0,
            ColumnBuf::Int64(v) => v[row] = 0,
            ColumnBuf::Float64(v) => v[row] = 0.0,
            ColumnBuf::Bool(v) => v[row] = 0,
        }
    }

    fn type_of(&self) -> CsvType {
        match self {
            ColumnBuf::Int32(_) => CsvType::Int32,
            ColumnBuf::Int64(_) => CsvType::Int64,
            ColumnBuf::Float64(_) => CsvType::Float64,
            ColumnBuf::Bool(_) => CsvType::Bool,
            ColumnBuf::Utf8(_) => CsvType::Utf8,
        }
    }
}

/// One column's output: its values and an Arrow validity bitmap that the
/// caller has set to all ones; the parser clears the bit of each null. The
/// values need no initialising: each row reported has its slot written in
/// every column, 0 under a null, so the output never depends on what the
/// buffers held before.
pub struct ColumnOut<'a> {
    pub values: ColumnBuf<'a>,
    pub validity: &'a mut [u8],
}

impl ColumnOut<'_> {
    /// Row `row` is null: its bit cleared, its value slot 0.
    #[inline(always)]
    fn set_null(&mut self, row: usize) {
        self.values.zero(row);
        self.validity[row >> 3] &= !(1u8 << (row & 7));
    }
}

/// Why a field could not be read as its column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueReason {
    /// Not of the type's syntax.
    Syntax,
    /// An integer outside the type's range.
    Range,
    /// A utf8 field that is not valid UTF-8.
    Utf8,
}

impl ValueReason {
    pub fn name(self) -> &'static str {
        match self {
            ValueReason::Syntax => "syntax",
            ValueReason::Range => "range",
            ValueReason::Utf8 => "utf8",
        }
    }
}

/// A problem in the data, at a physical line (1-based) and field (1-based).
#[derive(Debug, Clone, PartialEq)]
pub enum CsvError {
    /// The records do not follow the grammar; `detail` is the message text.
    Grammar {
        line: u64,
        column: Option<u32>,
        detail: String,
    },
    /// A field is not a value of its column's type. The caller words the
    /// message (it knows the column names and whether types were declared);
    /// the raw field is `input[start..end]`, with doubled quotes if `escaped`.
    Value {
        line: u64,
        column: u32,
        reason: ValueReason,
        start: usize,
        end: usize,
        escaped: bool,
    },
}

/// The caller's buffers do not fit the call: a programming error, not data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvArgError {
    /// `columns` has a different number of columns than the parser.
    Width { expected: usize, got: usize },
    /// Column `column` is of another type than the parser was made for.
    Type { column: usize },
    /// Column `column` has fewer than `needed` values (or validity bytes).
    TooShort {
        column: usize,
        what: &'static str,
        needed: usize,
        got: usize,
    },
}

impl fmt::Display for CsvArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsvArgError::Width { expected, got } => {
                write!(f, "columns must have {expected} entries (got {got})")
            }
            CsvArgError::Type { column } => write!(
                f,
                "columns[{column}] must be the typed array of its column's type"
            ),
            CsvArgError::TooShort {
                column,
                what,
                needed,
                got,
            } => write!(
                f,
                "{what}[{column}] must have at least {needed} elements (got {got})"
            ),
        }
    }
}

impl std::error::Error for CsvArgError {}

/// What one call did: `consumed` bytes of whole records became `rows` rows;
/// `line` is the physical line at `consumed`. On an error, everything before
/// the bad record was converted and `consumed` stops at that record.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvChunk {
    pub consumed: usize,
    pub rows: usize,
    pub line: u64,
    pub error: Option<CsvError>,
}

#[derive(Clone, Copy, Default)]
struct Field {
    start: usize,
    end: usize,
    quoted: bool,
    escaped: bool,
    line: u64,
}

/// A CSV reader for one schema: column types, delimiter, and the per-batch
/// dictionaries of its utf8 columns.
///
/// A column may be skipped (projection: the job does not use it). Its fields
/// are still found, so the record's grammar and width are checked exactly as
/// before, but never converted: a value that is not of the column's type is
/// no error there. The caller's `columns` then hold the kept columns only.
pub struct CsvParser {
    delimiter: u8,
    /// The delimiter cannot occur inside a number (so `fast_record` may stop a number at it).
    fast: bool,
    /// The kept columns' types, in file order.
    types: Vec<CsvType>,
    /// Per field of a record: whether it is skipped.
    skipped: Vec<bool>,
    /// Whether any field is skipped.
    projected: bool,
    /// Per kept column.
    dictionaries: Vec<Dictionary>,
    /// Per field of a record.
    fields: Vec<Field>,
    unescaped: Vec<u8>,
}

enum Step {
    Record,
    Incomplete,
    Failed(CsvError),
}

impl CsvParser {
    /// A parser for records of `types.len()` fields (at least one).
    pub fn new(types: Vec<CsvType>, delimiter: u8) -> CsvParser {
        CsvParser::projected(types.into_iter().map(Some).collect(), delimiter)
    }

    /// A parser for records of `fields.len()` fields (at least one), where a
    /// `None` field is skipped.
    pub fn projected(fields: Vec<Option<CsvType>>, delimiter: u8) -> CsvParser {
        let types: Vec<CsvType> = fields.iter().flatten().copied().collect();
        CsvParser {
            delimiter,
            fast: !delimiter.is_ascii_alphanumeric()
                && !matches!(delimiter, b'.' | b'+' | b'-' | QUOTE | LF | CR),
            dictionaries: (0..types.len()).map(|_| Dictionary::default()).collect(),
            types,
            skipped: fields.iter().map(Option::is_none).collect(),
            projected: fields.iter().any(Option::is_none),
            fields: vec![Field::default(); fields.len()],
            unescaped: Vec::new(),
        }
    }

    /// Fields per record, skipped ones included.
    pub fn width(&self) -> usize {
        self.fields.len()
    }

    /// The kept columns' types: `columns` of [`CsvParser::parse`] matches them.
    pub fn types(&self) -> &[CsvType] {
        &self.types
    }

    /// The dictionary built so far for kept column `column` (empty if not utf8).
    pub fn dictionary(&self, column: usize) -> &Dictionary {
        &self.dictionaries[column]
    }

    /// Starts a new batch: every dictionary is emptied.
    pub fn clear_dictionaries(&mut self) {
        for dictionary in &mut self.dictionaries {
            dictionary.clear();
        }
    }

    /// Parses up to `max_rows` whole records from `input` into rows
    /// `at..at + max_rows` of `columns`. `eof` says `input` ends the file
    /// (the last record needs no line break); `line` is the physical line
    /// `input` starts on.
    pub fn parse(
        &mut self,
        input: &[u8],
        eof: bool,
        line: u64,
        columns: &mut [ColumnOut<'_>],
        at: usize,
        max_rows: usize,
    ) -> Result<CsvChunk, CsvArgError> {
        self.check(columns, at + max_rows)?;
        let width = self.fields.len();
        let mut pos = 0;
        let mut line = line;
        let mut rows = 0;
        let mut error = None;
        while rows < max_rows && pos < input.len() {
            let record_start = pos;
            let record_line = line;
            let b = input[pos];
            if b == LF || b == CR {
                if b == CR {
                    if pos + 1 == input.len() && !eof {
                        break; // a LF may follow in the next window
                    }
                    pos += if input.get(pos + 1) == Some(&LF) {
                        2
                    } else {
                        1
                    };
                } else {
                    pos += 1;
                }
                line += 1;
                if width == 1 {
                    self.fields[0] = Field {
                        start: record_start,
                        end: record_start,
                        quoted: false,
                        escaped: false,
                        line: record_line,
                    };
                    if let Err(e) = self.convert(input, columns, at + rows) {
                        error = Some(e);
                        pos = record_start;
                        line = record_line;
                        break;
                    }
                    rows += 1;
                }
                continue;
            }
            if self.fast {
                let next = if self.projected {
                    self.indexed_record(input, pos, columns, at + rows)
                        .or_else(|| self.fast_record::<true>(input, pos, columns, at + rows))
                } else {
                    // All 5 columns of the canonical file: 2-4% slower indexed than walked
                    // (the scan of 64 bytes costs more than it unchains); skipped fields cost
                    // nothing indexed, so projected reads gain (parse_csv bench).
                    self.fast_record::<false>(input, pos, columns, at + rows)
                };
                if let Some(next) = next {
                    pos = next;
                    line += 1;
                    rows += 1;
                    continue;
                }
            }
            match self.record(input, &mut pos, &mut line, eof) {
                Step::Record => {}
                Step::Incomplete => {
                    pos = record_start;
                    line = record_line;
                    break;
                }
                Step::Failed(e) => {
                    error = Some(e);
                    pos = record_start;
                    line = record_line;
                    break;
                }
            }
            if let Err(e) = self.convert(input, columns, at + rows) {
                error = Some(e);
                pos = record_start;
                line = record_line;
                break;
            }
            rows += 1;
        }
        Ok(CsvChunk {
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
            if out.values.type_of() != *ty {
                return Err(CsvArgError::Type { column });
            }
            if out.values.len() < rows {
                return Err(CsvArgError::TooShort {
                    column,
                    what: "columns",
                    needed: rows,
                    got: out.values.len(),
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

    /// The record at `pos` (not an empty line) converted in one pass, when it
    /// is of the common shape: one physical line ending in LF or CRLF inside
    /// `input`, no quoted field but a utf8 one without doubled quotes or line
    /// breaks inside, every number in the plain syntax
    /// the fast readers below accept, every string already in its column's
    /// dictionary. Returns the position after its line break, or `None` to
    /// have the general path (`record` + `convert`) read it again from `pos`.
    ///
    /// Why: the general path finds every field's end, stores it, and reads
    /// the bytes a second time to convert them; this reads each byte once.
    /// It never decides anything the general path would decide differently:
    /// any doubt returns `None`, and the values it has written by then are
    /// the ones the general path writes again. It never adds to a dictionary,
    /// so first-appearance codes are the general path's.
    ///
    /// `PROJECTED` is whether any column is skipped: without, the loop is the
    /// plain walk over `columns` (checking for skips cost 5–10% there).
    #[inline]
    fn fast_record<const PROJECTED: bool>(
        &self,
        input: &[u8],
        pos: usize,
        columns: &mut [ColumnOut<'_>],
        row: usize,
    ) -> Option<usize> {
        let delim = self.delimiter;
        let high = delim.max(CR);
        let mut p = pos;
        if !PROJECTED {
            // Every field is a column: one iterator over them, the last one
            // outside the loop (a field counter beside the columns' iterator
            // and a RangeInclusive kept three loop variables on the stack).
            let (last, init) = columns.split_last_mut()?;
            for (c, out) in init.iter_mut().enumerate() {
                let stop = self.fast_field(input, p, c, out, row, delim, high)?;
                if *input.get(stop)? != delim {
                    return None;
                }
                p = stop + 1;
            }
            let stop = self.fast_field(input, p, init.len(), last, row, delim, high)?;
            return line_end(input, stop);
        }
        let last = self.fields.len() - 1;
        let mut outs = columns.iter_mut().enumerate();
        for field in 0..=last {
            // SAFETY: `field <= last < self.skipped.len()`.
            let stop = if unsafe { *self.skipped.get_unchecked(field) } {
                if *input.get(p)? == QUOTE {
                    simple_quoted(input, p)?.1
                } else {
                    unquoted_end(input, p, delim, high)
                }
            } else {
                let (c, out) = outs.next()?;
                self.fast_field(input, p, c, out, row, delim, high)?
            };
            if field < last {
                if *input.get(stop)? != delim {
                    return None;
                }
                p = stop + 1;
            } else {
                return line_end(input, stop);
            }
        }
        None
    }

    /// The field at `p` of kept column `c` converted into row `row` as
    /// `fast_record` reads it; where it stops, or `None` for the general path.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn fast_field(
        &self,
        input: &[u8],
        p: usize,
        c: usize,
        out: &mut ColumnOut<'_>,
        row: usize,
        delim: u8,
        high: u8,
    ) -> Option<usize> {
        let first = *input.get(p)?;
        if first <= high && (first == delim || first == LF || first == CR) {
            // An empty unquoted field is null, whatever the column's type.
            out.set_null(row);
            return Some(p);
        }
        Some(match &mut out.values {
            ColumnBuf::Int64(v) => {
                let (x, stop) = fast_int(input, p, 18)?;
                v[row] = x;
                stop
            }
            ColumnBuf::Int32(v) => {
                let (x, stop) = fast_int(input, p, 9)?;
                v[row] = x as i32;
                stop
            }
            ColumnBuf::Float64(v) => {
                let (x, stop) = fast_f64(input, p)?;
                v[row] = x;
                stop
            }
            ColumnBuf::Bool(v) => {
                let stop = unquoted_end(input, p, delim, high);
                v[row] = parse_bool(&input[p..stop])? as u8;
                stop
            }
            ColumnBuf::Utf8(v) => {
                let (text, stop) = if first == QUOTE {
                    // Many writers quote every string.
                    simple_quoted(input, p)?
                } else {
                    let stop = unquoted_end(input, p, delim, high);
                    (p..stop, stop)
                };
                v[row] = self.dictionaries[c].lookup_at(input, text.start, text.end)?;
                stop
            }
        })
    }

    /// The record at `pos` converted as `fast_record` does, when its line
    /// (LF-terminated, no quote and no CR) lies within the next 64 bytes:
    /// every field's bounds come first from one scan of those bytes, so that
    /// where a field starts never waits for the field before it to be read
    /// (in `fast_record` each field's end is the next one's start, a chain
    /// through every byte of the record). `None` leaves the record to
    /// `fast_record`, which decides exactly as before. Used for projected reads only (see `parse`).
    #[inline(always)]
    fn indexed_record(
        &self,
        input: &[u8],
        pos: usize,
        columns: &mut [ColumnOut<'_>],
        row: usize,
    ) -> Option<usize> {
        let block: &[u8; 64] = input.get(pos..pos + 64)?.try_into().ok()?;
        let marks = Marks::of(block, self.delimiter);
        if marks.lfs == 0 {
            return None;
        }
        let end = marks.lfs.trailing_zeros() as usize;
        let before_end = (1u64 << end) - 1;
        let mut delims = marks.delims & before_end;
        if marks.specials & before_end != 0 || delims.count_ones() as usize != self.fields.len() - 1
        {
            return None;
        }
        let mut start = pos;
        let mut outs = columns.iter_mut().enumerate();
        for field in 0..self.fields.len() {
            let stop = pos
                + if delims == 0 {
                    end
                } else {
                    delims.trailing_zeros() as usize
                };
            delims &= delims.wrapping_sub(1);
            // SAFETY: `field < self.skipped.len()`.
            if unsafe { *self.skipped.get_unchecked(field) } {
                start = stop + 1;
                continue;
            }
            let (c, out) = outs.next()?;
            if start == stop {
                // An empty unquoted field is null, whatever the column's type.
                out.set_null(row);
            } else {
                match &mut out.values {
                    ColumnBuf::Int64(v) => v[row] = known_int(input, start, stop, 16)?,
                    ColumnBuf::Int32(v) => v[row] = known_int(input, start, stop, 9)? as i32,
                    ColumnBuf::Float64(v) => v[row] = known_f64(input, start, stop)?,
                    ColumnBuf::Bool(v) => v[row] = parse_bool(&input[start..stop])? as u8,
                    ColumnBuf::Utf8(v) => {
                        v[row] = self.dictionaries[c].lookup_at(input, start, stop)?;
                    }
                }
            }
            start = stop + 1;
        }
        Some(pos + end + 1)
    }

    /// Finds the fields of the record at `*pos` (not an empty line) and
    /// checks their number; on success `*pos` is past its line break.
    fn record(&mut self, input: &[u8], pos: &mut usize, line: &mut u64, eof: bool) -> Step {
        let end = input.len();
        let delim = self.delimiter;
        let width = self.fields.len();
        // Bytes above `high` cannot end an unquoted field: one comparison settles most bytes.
        let high = delim.max(CR);
        let record_line = *line;
        let mut p = *pos;
        let mut field = 0usize;
        loop {
            let field_line = *line;
            let (start, stop, quoted, escaped);
            if p < end && input[p] == QUOTE {
                let quote_line = *line;
                p += 1;
                start = p;
                let mut doubled = false;
                loop {
                    match memchr::memchr(QUOTE, &input[p..]) {
                        Some(offset) => {
                            *line += count_lines(&input[p..p + offset], input.get(p + offset));
                            p += offset;
                        }
                        None => {
                            *line += count_lines(&input[p..], None);
                            p = end;
                        }
                    }
                    if p == end {
                        if eof {
                            return Step::Failed(CsvError::Grammar {
                                line: quote_line,
                                column: Some(field as u32 + 1),
                                detail: "unterminated quoted field: the quote opened here is never closed".to_owned(),
                            });
                        }
                        return Step::Incomplete;
                    }
                    if p + 1 < end {
                        if input[p + 1] == QUOTE {
                            doubled = true;
                            p += 2;
                            continue;
                        }
                    } else if !eof {
                        return Step::Incomplete;
                    }
                    stop = p;
                    p += 1;
                    break;
                }
                quoted = true;
                escaped = doubled;
                if p < end {
                    let b = input[p];
                    if b != delim && b != LF && b != CR {
                        return Step::Failed(CsvError::Grammar {
                            line: *line,
                            column: Some(field as u32 + 1),
                            detail: format!(
                                "unexpected {} after the closing quote of a quoted field (a quote inside a quoted field is written \"\")",
                                byte_name(b)
                            ),
                        });
                    }
                }
            } else {
                start = p;
                p = unquoted_end(input, p, delim, high);
                stop = p;
                quoted = false;
                escaped = false;
            }
            if field < width {
                self.fields[field] = Field {
                    start,
                    end: stop,
                    quoted,
                    escaped,
                    line: field_line,
                };
            }
            field += 1;
            if p == end {
                if !eof {
                    return Step::Incomplete;
                }
                break; // the end of the file ends the last record
            }
            let b = input[p];
            if b == delim {
                p += 1;
                continue;
            }
            if b == CR {
                if p + 1 == end && !eof {
                    return Step::Incomplete;
                }
                p += if input.get(p + 1) == Some(&LF) { 2 } else { 1 };
            } else {
                p += 1;
            }
            *line += 1;
            break;
        }
        if field != width {
            return Step::Failed(CsvError::Grammar {
                line: record_line,
                column: None,
                detail: format!(
                    "expected {width} field{}, found {field}",
                    if width == 1 { "" } else { "s" }
                ),
            });
        }
        *pos = p;
        Step::Record
    }

    /// Converts the fields of the current record into row `row`.
    fn convert(
        &mut self,
        input: &[u8],
        columns: &mut [ColumnOut<'_>],
        row: usize,
    ) -> Result<(), CsvError> {
        let mut c = 0;
        for field in 0..self.fields.len() {
            if self.skipped[field] {
                continue;
            }
            let f = self.fields[field];
            let kept = c;
            c += 1;
            let out = &mut columns[kept];
            let text = &input[f.start..f.end];
            let empty = text.is_empty() && !(f.quoted && matches!(out.values, ColumnBuf::Utf8(_)));
            if empty {
                out.set_null(row);
                continue;
            }
            let status = match &mut out.values {
                ColumnBuf::Float64(v) => parse_f64(text)
                    .map(|x| v[row] = x)
                    .ok_or(ValueReason::Syntax),
                ColumnBuf::Int64(v) => parse_i64(text).map(|x| v[row] = x),
                ColumnBuf::Int32(v) => parse_i32(text).map(|x| v[row] = x),
                ColumnBuf::Bool(v) => parse_bool(text)
                    .map(|x| v[row] = x as u8)
                    .ok_or(ValueReason::Syntax),
                ColumnBuf::Utf8(v) => {
                    let text = if f.escaped {
                        self.unescaped.clear();
                        unescape_into(text, &mut self.unescaped);
                        &self.unescaped[..]
                    } else {
                        text
                    };
                    // Undoubling quotes cannot change whether bytes are UTF-8, so only a
                    // new entry is validated: a repeated string was checked when it was added.
                    self.dictionaries[kept]
                        .code_of(text)
                        .map(|code| v[row] = code)
                        .ok_or(ValueReason::Utf8)
                }
            };
            if let Err(reason) = status {
                return Err(CsvError::Value {
                    line: f.line,
                    column: field as u32 + 1,
                    reason,
                    start: f.start,
                    end: f.end,
                    escaped: f.escaped,
                });
            }
        }
        Ok(())
    }
}

/// The position after the line break at `stop` that ends a record (LF or
/// CRLF), or `None` (another byte, a lone CR, or the end of the input).
#[inline(always)]
fn line_end(input: &[u8], stop: usize) -> Option<usize> {
    match *input.get(stop)? {
        LF => Some(stop + 1),
        CR if input.get(stop + 1) == Some(&LF) => Some(stop + 2),
        _ => None,
    }
}

/// Where the delimiters, LFs, and quotes or CRs are among 64 bytes: bit `i`
/// of each mask stands for byte `i`.
struct Marks {
    delims: u64,
    lfs: u64,
    specials: u64,
}

impl Marks {
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn of(block: &[u8; 64], delim: u8) -> Marks {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
            _mm_set1_epi8,
        };
        let mut marks = Marks {
            delims: 0,
            lfs: 0,
            specials: 0,
        };
        // SAFETY: SSE2 is part of x86_64; each load reads 16 of the block's 64 bytes.
        unsafe {
            let (d, lf, quote, cr) = (
                _mm_set1_epi8(delim as i8),
                _mm_set1_epi8(LF as i8),
                _mm_set1_epi8(QUOTE as i8),
                _mm_set1_epi8(CR as i8),
            );
            for i in 0..4 {
                let v = _mm_loadu_si128(block.as_ptr().add(16 * i).cast::<__m128i>());
                let bits = |m| (_mm_movemask_epi8(m) as u32 as u64) << (16 * i);
                marks.delims |= bits(_mm_cmpeq_epi8(v, d));
                marks.lfs |= bits(_mm_cmpeq_epi8(v, lf));
                marks.specials |= bits(_mm_or_si128(
                    _mm_cmpeq_epi8(v, quote),
                    _mm_cmpeq_epi8(v, cr),
                ));
            }
        }
        marks
    }

    #[cfg(not(target_arch = "x86_64"))]
    #[inline(always)]
    fn of(block: &[u8; 64], delim: u8) -> Marks {
        Marks::of_words(block, delim)
    }

    /// The portable version: eight bytes at a time.
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
    #[inline(always)]
    fn of_words(block: &[u8; 64], delim: u8) -> Marks {
        let mut marks = Marks {
            delims: 0,
            lfs: 0,
            specials: 0,
        };
        for i in 0..8 {
            let word = u64::from_le_bytes(block[8 * i..8 * i + 8].try_into().unwrap());
            let bits = |highs: u64| gather_high_bits(highs) << (8 * i);
            marks.delims |= bits(matching(word, delim));
            marks.lfs |= bits(matching(word, LF));
            marks.specials |= bits(matching(word, QUOTE) | matching(word, CR));
        }
        marks
    }
}

/// Bit 7 of each byte of `word` that equals `byte`, exactly (no false
/// positives, unlike `swar::bytes_equal`).
#[inline(always)]
fn matching(word: u64, byte: u8) -> u64 {
    const LOWS: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = word ^ (0x0101_0101_0101_0101 * byte as u64);
    !(((x & LOWS) + LOWS) | x) & !LOWS
}

/// The bit-7 flags of a word's bytes gathered into its low eight bits, byte `i` at bit `i`.
#[inline(always)]
fn gather_high_bits(highs: u64) -> u64 {
    (highs >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// The text and the end of the quoted field at `p` when it has no doubled
/// quote and no line break inside; `None` otherwise (the general path
/// undoubles quotes and counts the lines inside a field).
#[inline(always)]
fn simple_quoted(input: &[u8], p: usize) -> Option<(std::ops::Range<usize>, usize)> {
    let close = p + 1 + memchr::memchr(QUOTE, &input[p + 1..])?;
    if input.get(close + 1) == Some(&QUOTE)
        || memchr::memchr2(LF, CR, &input[p + 1..close]).is_some()
    {
        return None;
    }
    Some((p + 1..close, close + 1))
}

/// Where the unquoted field at `p` ends: the next delimiter, LF or CR, or
/// the end of the input. Eight bytes at a time (fields of the canonical
/// table are 5–13 bytes, and a byte loop was the parser's hottest code).
#[inline(always)]
fn unquoted_end(input: &[u8], mut p: usize, delim: u8, high: u8) -> usize {
    while p + 8 <= input.len() {
        let word = u64::from_le_bytes(input[p..p + 8].try_into().unwrap());
        let hits = bytes_equal(word, delim) | bytes_equal(word, LF) | bytes_equal(word, CR);
        if hits != 0 {
            return p + (hits.trailing_zeros() / 8) as usize;
        }
        p += 8;
    }
    while p < input.len() {
        let b = input[p];
        if b <= high && (b == delim || b == LF || b == CR) {
            break;
        }
        p += 1;
    }
    p
}

/// An integer `-?[0-9]{1,max_digits}` at `p` (no `+`, no more digits than
/// can overflow) and where it stops; `None` leaves anything else to `parse_i64`.
#[inline(always)]
fn fast_int(input: &[u8], p: usize, max_digits: usize) -> Option<(i64, usize)> {
    let negative = input.get(p) == Some(&b'-');
    let start = p + negative as usize;
    let (value, stop) = digit_run(input, start, 0);
    let digits = stop - start;
    if digits == 0 || digits > max_digits {
        return None;
    }
    let value = value as i64;
    Some((if negative { -value } else { value }, stop))
}

/// The eight bytes at `p`, first in the lowest byte.
#[inline(always)]
fn word_at(input: &[u8], p: usize) -> Option<u64> {
    Some(u64::from_le_bytes(input.get(p..p + 8)?.try_into().ok()?))
}

/// The low `n` bytes of a word set (n ≤ 8).
#[inline(always)]
fn low_bytes(n: usize) -> u64 {
    if n >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * n)) - 1
    }
}

/// The value of the `n` (1..=8) ASCII digits at the bottom of `word`, or
/// `None` if any of them is not a digit.
#[inline(always)]
fn digits_of(word: u64, n: usize) -> Option<u64> {
    if non_digits(word) & low_bytes(n) != 0 {
        return None;
    }
    Some(eight_digits(word << (64 - 8 * n)))
}

/// The field `input[start..stop]` (not empty) as `-?[0-9]{1,max_digits}`
/// (max_digits ≤ 16): what `fast_int` reads, with the bounds already known,
/// so no byte search. `None` for anything else (and near the input's end).
#[inline(always)]
fn known_int(input: &[u8], start: usize, stop: usize, max_digits: usize) -> Option<i64> {
    let negative = input[start] == b'-';
    let s = start + negative as usize;
    let n = stop - s;
    if n == 0 || n > max_digits {
        return None;
    }
    let value = if n <= 8 {
        digits_of(word_at(input, s)?, n)?
    } else {
        let high = digits_of(word_at(input, s)?, 8)?;
        high * POW10_U64[n - 8] + digits_of(word_at(input, s + 8)?, n - 8)?
    } as i64;
    Some(if negative { -value } else { value })
}

/// The field `input[start..stop]` (not empty) as `-?digits[.digits]` or
/// `-?.digits` of at most 8 bytes after the sign: exactly what `fast_f64`
/// computes for it, with the bounds already known. `None` for anything else.
#[inline(always)]
fn known_f64(input: &[u8], start: usize, stop: usize) -> Option<f64> {
    let negative = input[start] == b'-';
    let s = start + negative as usize;
    let n = stop - s;
    if n == 0 || n > 8 {
        return None;
    }
    let word = word_at(input, s)? & low_bytes(n);
    let dots = matching(word, b'.');
    let (digits, decimals) = if dots == 0 {
        (word, 0)
    } else {
        if dots & (dots - 1) != 0 || n == 1 {
            return None; // two dots, or a lone one
        }
        // The dot taken out: the bytes above it move down one.
        let dot = (dots.trailing_zeros() / 8) as usize;
        let below = word & low_bytes(dot);
        ((word >> 8) & !low_bytes(dot) | below, n - 1 - dot)
    };
    let count = n - (dots != 0) as usize;
    let mantissa = digits_of(digits, count)?;
    let value = mantissa as i64 as f64 / POW10[decimals];
    Some(if negative { -value } else { value })
}

/// A number `-?digits[.digits]` or `-?.digits` at `p` with at most 15
/// digits in all, and where it stops: exactly the value `parse_f64` computes
/// for it (the same mantissa and the same one correctly rounded division).
/// Exponents, `+`, `NaN`, `Infinity` and longer numbers are left to it.
#[inline(always)]
fn fast_f64(input: &[u8], p: usize) -> Option<(f64, usize)> {
    let negative = input.get(p) == Some(&b'-');
    let start = p + negative as usize;
    let (mantissa, int_stop) = digit_run(input, start, 0);
    let (mantissa, stop, decimals) = if input.get(int_stop) == Some(&b'.') {
        let (mantissa, stop) = digit_run(input, int_stop + 1, mantissa);
        (mantissa, stop, stop - int_stop - 1)
    } else {
        (mantissa, int_stop, 0)
    };
    let digits = int_stop - start + decimals;
    if digits == 0 || digits > 15 {
        return None;
    }
    // At most 15 digits: exact as an i64, whose conversion is one instruction (u64's is several).
    let value = mantissa as i64 as f64 / POW10[decimals];
    Some((if negative { -value } else { value }, stop))
}

/// Physical line breaks in `bytes` (LF, CRLF, lone CR); `next` is the byte
/// after them, which decides whether a final CR is half of a CRLF.
fn count_lines(bytes: &[u8], next: Option<&u8>) -> u64 {
    let mut lines = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == LF {
            lines += 1;
        } else if b == CR {
            let following = if i + 1 < bytes.len() {
                bytes.get(i + 1)
            } else {
                next
            };
            if following != Some(&LF) {
                lines += 1;
            }
        }
    }
    lines
}

fn byte_name(b: u8) -> String {
    if (0x20..0x7f).contains(&b) {
        match b {
            b'\\' => "\"\\\\\"".to_owned(),
            _ => format!("\"{}\"", b as char),
        }
    } else {
        format!("byte 0x{b:02x}")
    }
}

fn unescape_into(text: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < text.len() {
        out.push(text[i]);
        i += if text[i] == QUOTE { 2 } else { 1 };
    }
}

/// `[+-]?(digits[.digits?] | .digits)([eE][+-]?digits)?`, `NaN`, `Infinity`,
/// `+Infinity`, `-Infinity`; correctly rounded.
pub fn parse_f64(text: &[u8]) -> Option<f64> {
    let n = text.len();
    let mut i = 0;
    let mut negative = false;
    if let Some(&b) = text.first() {
        if b == b'-' || b == b'+' {
            negative = b == b'-';
            i = 1;
            if n == 1 {
                return None;
            }
        }
    } else {
        return None;
    }
    let b = text[i];
    if b == b'N' || b == b'I' {
        return if i == 0 && text == b"NaN" {
            Some(f64::NAN)
        } else if &text[i..] == b"Infinity" {
            Some(if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            })
        } else {
            None
        };
    }
    let mut mantissa: u64 = 0;
    let mut digits = 0u32;
    let mut exponent: i64 = 0;
    let mut any = false;
    while i < n && text[i].is_ascii_digit() {
        let d = text[i] - b'0';
        any = true;
        if mantissa != 0 || d != 0 {
            mantissa = mantissa.wrapping_mul(10).wrapping_add(d as u64);
            digits += 1;
        }
        i += 1;
    }
    if i < n && text[i] == b'.' {
        i += 1;
        while i < n && text[i].is_ascii_digit() {
            let d = text[i] - b'0';
            any = true;
            if mantissa != 0 || d != 0 {
                mantissa = mantissa.wrapping_mul(10).wrapping_add(d as u64);
                digits += 1;
            }
            exponent -= 1;
            i += 1;
        }
    }
    if !any {
        return None;
    }
    if i < n && (text[i] == b'e' || text[i] == b'E') {
        i += 1;
        let mut exp_negative = false;
        if i < n && (text[i] == b'-' || text[i] == b'+') {
            exp_negative = text[i] == b'-';
            i += 1;
        }
        if i == n {
            return None;
        }
        let mut exp: i64 = 0;
        while i < n {
            if !text[i].is_ascii_digit() {
                return None;
            }
            if exp < 100_000 {
                exp = exp * 10 + (text[i] - b'0') as i64;
            }
            i += 1;
        }
        exponent += if exp_negative { -exp } else { exp };
    }
    if i != n {
        return None;
    }
    if digits <= 15 && (-22..=22).contains(&exponent) {
        // The mantissa (< 10^15 < 2^53) and 10^|exponent| are exact: one correctly rounded operation.
        let m = mantissa as f64;
        let value = if exponent < 0 {
            m / POW10[(-exponent) as usize]
        } else {
            m * POW10[exponent as usize]
        };
        return Some(if negative { -value } else { value });
    }
    // SAFETY: the grammar above admits ASCII bytes only.
    let ascii = unsafe { std::str::from_utf8_unchecked(text) };
    ascii.parse::<f64>().ok()
}

/// Digits of an integer with an optional sign, as a magnitude; `Range` when
/// it exceeds `u64` (a syntax error anywhere still wins).
fn magnitude(text: &[u8]) -> Result<(bool, u64), ValueReason> {
    let (negative, digits) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() {
        return Err(ValueReason::Syntax);
    }
    let mut value: u64 = 0;
    let mut overflow = false;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return Err(ValueReason::Syntax);
        }
        match value.checked_mul(10).and_then(|v| v.checked_add(d as u64)) {
            Some(v) => value = v,
            None => overflow = true,
        }
    }
    if overflow {
        return Err(ValueReason::Range);
    }
    Ok((negative, value))
}

/// `[+-]?[0-9]+` within the signed 64-bit range, exactly.
pub fn parse_i64(text: &[u8]) -> Result<i64, ValueReason> {
    let (negative, value) = magnitude(text)?;
    if negative {
        if value > 1u64 << 63 {
            return Err(ValueReason::Range);
        }
        Ok((value as i64).wrapping_neg())
    } else {
        i64::try_from(value).map_err(|_| ValueReason::Range)
    }
}

/// `[+-]?[0-9]+` within the signed 32-bit range.
pub fn parse_i32(text: &[u8]) -> Result<i32, ValueReason> {
    let (negative, value) = magnitude(text)?;
    let signed = if negative {
        -(value as i128)
    } else {
        value as i128
    };
    i32::try_from(signed).map_err(|_| ValueReason::Range)
}

/// `true` / `false` in any letter case.
pub fn parse_bool(text: &[u8]) -> Option<bool> {
    if text.eq_ignore_ascii_case(b"true") {
        Some(true)
    } else if text.eq_ignore_ascii_case(b"false") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
