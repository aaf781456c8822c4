/**
 * Schema inference from a sample of NDJSON lines. Columns come in the order their keys first
 * appear; each column's type is the narrowest that holds every value seen for it:
 * - only integer literals (no fraction, no exponent, within the int64 range) → int64;
 * - numbers, at least one not an integer literal, or numbers and the strings "NaN", "Infinity",
 *   "-Infinity" → float64;
 * - only true/false → bool;
 * - anything else — strings, objects, arrays, a mix of kinds, or only nulls → utf8 (values that
 *   are not strings are kept as their JSON text).
 */
import { Schema, type DataType } from '../../../batch/schema.js';
import { Chars, Kind, type LineScanner } from './scanner.js';
import { notAnObject } from './rows.js';

const INTEGER = 1;
const FRACTIONAL = 2;
const SPECIAL_FLOAT = 4;
const STRING = 8;
const BOOLEAN = 16;
const NESTED = 32;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

interface Seen {
  /** Bit set of the kinds of values seen. */
  kinds: number;
  /** The last line the key was seen on (to reject a key twice on one line). */
  line: number;
}

export class SchemaInference {
  private readonly columns = new Map<string, Seen>();
  /** Non-blank lines read. */
  lines = 0;

  constructor(private readonly scanner: LineScanner) {}

  /** Reads line `line`, `[start, end)` of `text`; blank lines are skipped (returns false). */
  parseLine(text: string, start: number, end: number, line: number): boolean {
    const s = this.scanner;
    s.setLine(text, start, end, line);
    if (s.atLineEnd()) return false;
    if (text.charCodeAt(s.pos) !== Chars.OPEN_BRACE) notAnObject(s);
    s.pos++;
    s.skipWhitespace();
    if (text.charCodeAt(s.pos) === Chars.CLOSE_BRACE) s.pos++;
    else {
      for (;;) {
        s.skipWhitespace();
        const keyStart = s.pos;
        if (text.charCodeAt(keyStart) !== Chars.QUOTE || keyStart >= end) s.fail(`expected a double-quoted key, found ${s.found()}`);
        const key = s.readString();
        s.expect(Chars.COLON, "':' after a key");
        s.skipWhitespace();
        let seen = this.columns.get(key);
        if (seen === undefined) this.columns.set(key, (seen = { kinds: 0, line: 0 }));
        else if (seen.line === line) s.fail(`duplicate key ${JSON.stringify(key)}`, keyStart);
        seen.line = line;
        seen.kinds |= this.kindOfValue();
        s.skipWhitespace();
        const c = text.charCodeAt(s.pos);
        if (c === Chars.COMMA && s.pos < end) s.pos++;
        else if (c === Chars.CLOSE_BRACE && s.pos < end) {
          s.pos++;
          break;
        } else s.fail(`expected ',' or '}' after a value, found ${s.found()}`);
      }
    }
    if (!s.atLineEnd()) s.fail(`unexpected ${s.found()} after the object (one object per line)`);
    this.lines++;
    return true;
  }

  /** Steps over the value at the scanner and returns its kind bit (0 for null). */
  private kindOfValue(): number {
    const s = this.scanner;
    const start = s.pos;
    switch (s.kindHere()) {
      case Kind.null:
        s.literal('null');
        return 0;
      case Kind.bool:
        s.readBool();
        return BOOLEAN;
      case Kind.number: {
        s.scanNumber();
        s.pos = s.numEnd;
        if (!s.numIsInteger) return FRACTIONAL;
        if (s.numFast === s.numFast) return INTEGER;
        const value = BigInt(s.text.slice(start, s.numEnd));
        return value >= INT64_MIN && value <= INT64_MAX ? INTEGER : FRACTIONAL;
      }
      case Kind.string: {
        const value = s.readString();
        return value === 'NaN' || value === 'Infinity' || value === '-Infinity' ? SPECIAL_FLOAT : STRING;
      }
      case Kind.object:
      case Kind.array:
        s.skipValue();
        return NESTED;
    }
  }

  /** The inferred schema (every column nullable), columns in order of first appearance. */
  schema(): Schema {
    return new Schema([...this.columns].map(([name, { kinds }]) => ({ name, type: typeFor(kinds), nullable: true })));
  }
}

function typeFor(kinds: number): DataType {
  if (kinds === INTEGER) return 'int64';
  const numeric = INTEGER | FRACTIONAL | SPECIAL_FLOAT;
  if ((kinds & ~numeric) === 0 && (kinds & (INTEGER | FRACTIONAL)) !== 0) return 'float64';
  if (kinds === BOOLEAN) return 'bool';
  return 'utf8';
}
