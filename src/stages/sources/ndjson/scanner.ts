/**
 * A validating scanner for one NDJSON line, working in place on a decoded string that may hold
 * many lines (`[lineStart, end)` is the current line; `end` is the index of its `\n`, or the
 * string's length for a last line without one).
 *
 * Why not `JSON.parse`: Node 20's `JSON.parse` has no access to a number's source text (the
 * reviver's `context.source` argument arrived in V8 11.4, Node 20 ships 11.3), so an integer
 * beyond 2^53 would be silently rounded through a double. The scanner reads every number's
 * digits itself, which also tells integer literals (`12`) from others (`12.0`, `1e3`) for schema
 * inference, keeps nested values as their exact source text, and gives every syntax error a
 * 1-based column. Nothing is built per row but the values themselves.
 *
 * Whitespace inside a line is space, tab and carriage return (so CRLF files read as LF files);
 * `\n` only ever ends a line, so no token can run past `end`: `charCodeAt` there is 10 or NaN,
 * which every token check rejects.
 */
import { DataError } from '../../../runtime/errors.js';

const QUOTE = 34;
const BACKSLASH = 92;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const LOWER_E = 101;
const UPPER_E = 69;
const LOWER_U = 117;

/** Exact powers of ten as doubles (10^0 .. 10^22 are all exactly representable). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/** What a JSON value is, from its first character. */
export const Kind = {
  null: 0,
  bool: 1,
  number: 2,
  string: 3,
  object: 4,
  array: 5,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/**
 * The 1-based column of index `at` in a line starting at `lineStart`, in characters (Unicode code
 * points: an emoji, two UTF-16 units, counts one).
 */
export function columnAt(text: string, lineStart: number, at: number): number {
  let column = 1;
  for (let i = lineStart; i < at; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < at) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    column++;
  }
  return column;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

export class LineScanner {
  /** Decoded text holding the current line (and usually others). */
  text = '';
  /** Index of the current character. */
  pos = 0;
  /** Index of the current line's first character and of its end (`\n` or text length). */
  lineStart = 0;
  end = 0;
  /** 1-based line number in the file of the current line. */
  line = 0;

  // Results of the last scanNumber().
  /** Index just past the number. */
  numEnd = 0;
  /** No fraction and no exponent: an integer literal. */
  numIsInteger = false;
  /** The number's value when it could be computed exactly from its digits; NaN otherwise. */
  numFast = NaN;

  // Result of the last scanStringEnd().
  /** The string held an escape, so its source text is not its value. */
  escaped = false;

  constructor(readonly file: string) {}

  /** Points the scanner at line `line` spanning `[start, end)` of `text`. */
  setLine(text: string, start: number, end: number, line: number): void {
    this.text = text;
    this.pos = start;
    this.lineStart = start;
    this.end = end;
    this.line = line;
  }

  /** Throws a DataError at `at` (default: the current character) of the current line. */
  fail(detail: string, at = this.pos): never {
    throw new DataError(this.file, this.line, columnAt(this.text, this.lineStart, at), detail);
  }

  /** The character at `at` for a message: `'x'`, or `the end of the line`. */
  found(at = this.pos): string {
    if (at >= this.end) return 'the end of the line';
    const c = this.text.charCodeAt(at);
    // The whole character (an emoji is two UTF-16 units): half of one would print as garbage.
    return c < 32 ? `control character U+${c.toString(16).padStart(4, '0').toUpperCase()}` : `'${String.fromCodePoint(this.text.codePointAt(at)!)}'`;
  }

  skipWhitespace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 13) pos++;
      else break;
    }
    this.pos = pos;
  }

  /** After whitespace, true when the line has nothing left. */
  atLineEnd(): boolean {
    this.skipWhitespace();
    return this.pos >= this.end;
  }

  /** Skips whitespace, then `char` (one character code) or fails with `what`. */
  expect(char: number, what: string): void {
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) !== char || this.pos >= this.end) this.fail(`expected ${what}, found ${this.found()}`);
    this.pos++;
  }

  /** The kind of the value starting at the current character (whitespace already skipped), or fails. */
  kindHere(): Kind {
    const c = this.text.charCodeAt(this.pos);
    if (this.pos < this.end) {
      if (c === QUOTE) return Kind.string;
      if (c === MINUS || (c >= ZERO && c <= NINE)) return Kind.number;
      if (c === OPEN_BRACE) return Kind.object;
      if (c === OPEN_BRACKET) return Kind.array;
      if (c === 116 || c === 102) return Kind.bool; // t, f
      if (c === 110) return Kind.null; // n
    }
    return this.fail(`expected a value, found ${this.found()}`);
  }

  /**
   * With the current character the opening quote of a string: checks the string (escapes, no raw
   * control characters), sets `escaped`, and returns the index of its closing quote.
   */
  scanStringEnd(): number {
    const text = this.text;
    const end = this.end;
    let escaped = false;
    let i = this.pos + 1;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        const e = text.charCodeAt(i + 1);
        if (e === LOWER_U) {
          for (let k = 2; k < 6; k++) {
            const h = text.charCodeAt(i + k);
            const hex = (h >= 48 && h <= 57) || (h >= 65 && h <= 70) || (h >= 97 && h <= 102);
            if (!hex || i + k >= end) this.fail(`invalid \\u escape in a string: expected four hex digits`, i);
          }
          i += 6;
        } else if (e === QUOTE || e === BACKSLASH || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) {
          i += 2;
        } else {
          this.fail(i + 1 >= end ? 'unterminated string' : `invalid escape \\${String.fromCodePoint(text.codePointAt(i + 1)!)} in a string`, i);
        }
        continue;
      }
      if (c < 32 || i >= end) {
        this.fail(i >= end ? 'unterminated string (a string must close on its line)' : `raw ${this.found(i)} in a string (write it escaped)`, i);
      }
      i++;
    }
    this.escaped = escaped;
    return i;
  }

  /** Reads the string starting at the current character, past its closing quote, and returns its value. */
  readString(): string {
    const start = this.pos;
    const close = this.scanStringEnd();
    this.pos = close + 1;
    return this.escaped ? (JSON.parse(this.text.slice(start, close + 1)) as string) : this.text.slice(start + 1, close);
  }

  /**
   * With the current character `-` or a digit: checks the number against JSON's grammar, sets
   * `numEnd`, `numIsInteger` and `numFast` (the value, when at most 15 significant digits and no
   * exponent make it exact: a mantissa below 2^53 divided by an exact power of ten is correctly
   * rounded) and leaves `pos` unchanged.
   */
  scanNumber(): void {
    const text = this.text;
    const start = this.pos;
    let i = start;
    let c = text.charCodeAt(i);
    const negative = c === MINUS;
    if (negative) c = text.charCodeAt(++i);
    let mantissa = 0;
    let digits = 0;
    if (c === ZERO) {
      c = text.charCodeAt(++i);
      if (c >= ZERO && c <= NINE) this.fail('a number cannot have a leading zero', start);
    } else if (c > ZERO && c <= NINE) {
      do {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
        c = text.charCodeAt(++i);
      } while (c >= ZERO && c <= NINE);
    } else {
      this.fail(`invalid number: expected a digit after '-', found ${this.found(i)}`, i);
    }
    let isInteger = true;
    let fractionDigits = 0;
    if (c === DOT) {
      isInteger = false;
      c = text.charCodeAt(++i);
      if (!(c >= ZERO && c <= NINE)) this.fail(`invalid number: expected a digit after '.', found ${this.found(i)}`, i);
      do {
        mantissa = mantissa * 10 + (c - ZERO);
        if (mantissa !== 0) digits++;
        fractionDigits++;
        c = text.charCodeAt(++i);
      } while (c >= ZERO && c <= NINE);
    }
    let exponent = false;
    if (c === LOWER_E || c === UPPER_E) {
      isInteger = false;
      exponent = true;
      c = text.charCodeAt(++i);
      if (c === PLUS || c === MINUS) c = text.charCodeAt(++i);
      if (!(c >= ZERO && c <= NINE)) this.fail(`invalid number: expected a digit in the exponent, found ${this.found(i)}`, i);
      do c = text.charCodeAt(++i);
      while (c >= ZERO && c <= NINE);
    }
    this.numEnd = i;
    this.numIsInteger = isInteger;
    if (!exponent && digits <= 15 && fractionDigits <= 22) {
      const magnitude = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits]!;
      this.numFast = negative ? -magnitude : magnitude;
    } else {
      this.numFast = NaN;
    }
  }

  /** The value of the number just scanned as a double (what JSON.parse would give). */
  numberValue(): number {
    const fast = this.numFast;
    return fast === fast ? fast : Number(this.text.slice(this.pos, this.numEnd));
  }

  /** Checks `word` (true, false, null) at the current character and steps past it. */
  literal(word: 'true' | 'false' | 'null'): void {
    if (!this.text.startsWith(word, this.pos) || this.pos + word.length > this.end) this.fail(`invalid literal: expected ${word}`);
    this.pos += word.length;
  }

  /** Reads `true` or `false`. */
  readBool(): boolean {
    if (this.text.charCodeAt(this.pos) === 116) {
      this.literal('true');
      return true;
    }
    this.literal('false');
    return false;
  }

  /**
   * Steps over the value at the current character, checking it fully (nested objects and arrays
   * included, without recursion, so no line can overflow the stack).
   */
  skipValue(): void {
    const text = this.text;
    const closers: number[] = [];
    for (;;) {
      // A value.
      this.skipWhitespace();
      switch (this.kindHere()) {
        case Kind.string:
          this.pos = this.scanStringEnd() + 1;
          break;
        case Kind.number:
          this.scanNumber();
          this.pos = this.numEnd;
          break;
        case Kind.bool:
          this.readBool();
          break;
        case Kind.null:
          this.literal('null');
          break;
        case Kind.object:
          this.pos++;
          this.skipWhitespace();
          if (text.charCodeAt(this.pos) === CLOSE_BRACE) {
            this.pos++;
            break;
          }
          closers.push(CLOSE_BRACE);
          this.objectKey();
          continue;
        case Kind.array:
          this.pos++;
          this.skipWhitespace();
          if (text.charCodeAt(this.pos) === CLOSE_BRACKET) {
            this.pos++;
            break;
          }
          closers.push(CLOSE_BRACKET);
          continue;
      }
      // After a value: a comma (then the next member), or the closers it completes.
      for (;;) {
        if (closers.length === 0) return;
        this.skipWhitespace();
        const c = text.charCodeAt(this.pos);
        const closer = closers[closers.length - 1]!;
        if (c === closer && this.pos < this.end) {
          closers.pop();
          this.pos++;
          continue;
        }
        if (c === COMMA && this.pos < this.end) {
          this.pos++;
          if (closer === CLOSE_BRACE) this.objectKey();
          break;
        }
        this.fail(`expected ',' or '${closer === CLOSE_BRACE ? '}' : ']'}', found ${this.found()}`);
      }
    }
  }

  /** Inside an object: a key and its colon (the key's value is not read). */
  private objectKey(): void {
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) !== QUOTE || this.pos >= this.end) this.fail(`expected a double-quoted key, found ${this.found()}`);
    this.pos = this.scanStringEnd() + 1;
    this.expect(COLON, "':' after a key");
  }

  /** A short description of the value at `start` for a message: `the string "abc"`, `an object`. */
  describeValue(start: number): string {
    const saved = this.pos;
    this.pos = start;
    try {
      const kind = this.kindHere();
      // Cut before a surrogate pair rather than through it.
      const clip = (s: string) => (s.length > 40 ? `${s.slice(0, isHighSurrogate(s.charCodeAt(36)) ? 36 : 37)}...` : s);
      switch (kind) {
        case Kind.string:
          return `the string ${clip(JSON.stringify(this.readString()))}`;
        case Kind.number:
          this.scanNumber();
          return `the number ${clip(this.text.slice(start, this.numEnd))}`;
        case Kind.bool:
          return this.text.charCodeAt(start) === 116 ? 'true' : 'false';
        case Kind.null:
          return 'null';
        case Kind.object:
          return 'an object';
        case Kind.array:
          return 'an array';
      }
    } finally {
      this.pos = saved;
    }
  }
}

export const Chars = { QUOTE, COLON, COMMA, OPEN_BRACE, CLOSE_BRACE } as const;
