/**
 * The CSV tokenizer: a byte state machine that finds the fields of complete records in a buffer
 * and records where they are (start, end, quoting) without decoding anything. Turning fields into
 * values is a second pass, column by column (see columns.ts), so that each type has its own tight
 * loop.
 *
 * Grammar (RFC 4180, plus the usual relaxations):
 * - A record ends at LF, CRLF or a lone CR, or at the end of the file. Line numbers count
 *   physical lines the same way, including line breaks inside quoted fields.
 * - A field starting with `"` is quoted: it runs to the next `"` not followed by another `"`
 *   (`""` inside stands for one quote), and may hold delimiters and line breaks. After the
 *   closing quote only a delimiter, a line break or the end of the file may follow.
 * - Any other field runs to the next delimiter or line break; a `"` inside it is a plain byte.
 * - An empty line is a record of one empty field when records have exactly one field, and is
 *   skipped otherwise (and always before the first record, while the field count is learnt).
 */
import { CR, LF, QUOTE } from './dialect.js';

/** The field was quoted: [start, end) is what lies between the quotes. */
export const QUOTED = 1;
/** The quoted field holds doubled quotes (`""`) that stand for one quote each. */
export const ESCAPED = 2;

/** A grammar error found while tokenizing; every record before it was tokenized. */
export interface TokenError {
  readonly line: number;
  readonly column: number | undefined;
  readonly detail: string;
}

/**
 * Field positions of up to `capacity` records, `width` fields each: field c of record r is at
 * index r * width + c. Positions are byte offsets in the buffer that was tokenized.
 */
export class Tokens {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly flags: Uint8Array;
  /** The physical line (1-based) each record starts on. */
  readonly lines: Int32Array;
  rows = 0;
  /** Learning mode: how many fields the record had (may exceed `width`), and where it started. */
  found = 0;
  start = 0;
  error: TokenError | null = null;

  constructor(
    readonly width: number,
    readonly capacity: number,
  ) {
    this.starts = new Int32Array(width * capacity);
    this.ends = new Int32Array(width * capacity);
    this.flags = new Uint8Array(width * capacity);
    this.lines = new Int32Array(capacity);
  }
}

/** The physical line at the tokenizer's position, carried across calls. */
export interface Cursor {
  line: number;
}

function byteName(b: number): string {
  return b >= 0x20 && b < 0x7f ? JSON.stringify(String.fromCharCode(b)) : `byte 0x${b.toString(16).padStart(2, '0')}`;
}

/**
 * Tokenizes complete records of `buf[pos, end)` into `t`, from `t.rows` on, until `maxRows`
 * records are held. With `expected` > 0 every record must have that many fields; with
 * `expected` = 0 (learning the first record) one record of any width is read, empty lines before
 * it skipped.
 *
 * Returns the position after the last complete record. When the buffer ends inside a record and
 * `eof` is false, that record is left for the next call (with more bytes). On a grammar error,
 * `t.error` is set and the position of the bad record is returned.
 */
export function tokenize(
  buf: Uint8Array,
  pos: number,
  end: number,
  eof: boolean,
  delim: number,
  expected: number,
  maxRows: number,
  t: Tokens,
  cursor: Cursor,
): number {
  const starts = t.starts;
  const ends = t.ends;
  const flags = t.flags;
  const lines = t.lines;
  const width = t.width;
  const learning = expected === 0;
  // Bytes above `high` cannot end an unquoted field: one comparison settles most bytes.
  const high = delim > CR ? delim : CR;
  let rows = t.rows;
  let line = cursor.line;

  records: while (rows < maxRows && pos < end) {
    const recordStart = pos;
    const recordLine = line;
    let b = buf[pos]!;

    if (b === LF || b === CR) {
      if (b === CR) {
        if (pos + 1 === end && !eof) break; // a LF may follow in the next chunk
        pos += pos + 1 < end && buf[pos + 1] === LF ? 2 : 1;
      } else {
        pos++;
      }
      line++;
      if (expected === 1) {
        const at = rows * width;
        starts[at] = recordStart;
        ends[at] = recordStart;
        flags[at] = 0;
        lines[rows++] = recordLine;
      }
      continue;
    }

    const base = rows * width;
    let field = 0;
    for (;;) {
      let start: number;
      let stop: number;
      let flag = 0;
      if (pos < end && buf[pos] === QUOTE) {
        const quoteLine = line;
        start = ++pos;
        flag = QUOTED;
        for (;;) {
          while (pos < end) {
            b = buf[pos]!;
            if (b === QUOTE) break;
            if (b === LF) line++;
            else if (b === CR && (pos + 1 === end || buf[pos + 1] !== LF)) line++;
            pos++;
          }
          if (pos === end) {
            if (eof) {
              t.error = { line: quoteLine, column: field + 1, detail: 'unterminated quoted field: the quote opened here is never closed' };
            }
            pos = recordStart;
            line = recordLine;
            break records;
          }
          // buf[pos] is a quote: doubled, or the closing one?
          if (pos + 1 < end) {
            if (buf[pos + 1] === QUOTE) {
              flag = QUOTED | ESCAPED;
              pos += 2;
              continue;
            }
          } else if (!eof) {
            pos = recordStart;
            line = recordLine;
            break records;
          }
          stop = pos++;
          break;
        }
        if (pos < end) {
          b = buf[pos]!;
          if (b !== delim && b !== LF && b !== CR) {
            t.error = {
              line,
              column: field + 1,
              detail: `unexpected ${byteName(b)} after the closing quote of a quoted field (a quote inside a quoted field is written "")`,
            };
            pos = recordStart;
            line = recordLine;
            break records;
          }
        }
      } else {
        start = pos;
        while (pos < end) {
          b = buf[pos]!;
          if (b <= high && (b === delim || b === LF || b === CR)) break;
          pos++;
        }
        stop = pos;
      }
      if (field < width) {
        starts[base + field] = start;
        ends[base + field] = stop;
        flags[base + field] = flag;
      }
      field++;

      if (pos === end) {
        if (!eof) {
          pos = recordStart;
          line = recordLine;
          break records;
        }
        break; // the end of the file ends the last record
      }
      b = buf[pos]!;
      if (b === delim) {
        pos++;
        continue;
      }
      if (b === CR) {
        if (pos + 1 === end && !eof) {
          pos = recordStart;
          line = recordLine;
          break records;
        }
        pos += pos + 1 < end && buf[pos + 1] === LF ? 2 : 1;
      } else {
        pos++;
      }
      line++;
      break;
    }

    if (learning) {
      t.found = field;
      t.start = recordStart;
      lines[rows++] = recordLine;
      break;
    }
    if (field !== expected) {
      t.error = { line: recordLine, column: undefined, detail: `expected ${expected} field${expected === 1 ? '' : 's'}, found ${field}` };
      pos = recordStart;
      line = recordLine;
      break;
    }
    lines[rows++] = recordLine;
  }

  t.rows = rows;
  cursor.line = line;
  return pos;
}
