/**
 * Parsing field bytes into values, and the inference vote of a field. Inference calls the very
 * parsers the columns use, so a value that voted for a type always parses as that type.
 *
 * Grammars (no whitespace is trimmed anywhere: " 5" is not a number):
 * - integer: `[+-]?[0-9]+`; int64 and timestamp exact (digits, never through a rounded double),
 *   int32 and int64 range-checked.
 * - float64: `[+-]?(digits[.digits?] | .digits)([eE][+-]?digits)?`, or `NaN`, `Infinity`,
 *   `+Infinity`, `-Infinity`; correctly rounded (Clinger's fast path when exact, else the
 *   engine's own correctly rounded conversion).
 * - bool: `true` or `false` in any letter case.
 */

const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;

/** What a parser returns: the value was stored, the text is not of the type, or it is out of range. */
export const OK = 0;
export const NOT_VALID = 1;
export const OUT_OF_RANGE = 2;
export type Status = typeof OK | typeof NOT_VALID | typeof OUT_OF_RANGE;

/** 10^0 … 10^22: exactly representable doubles (Clinger's fast path). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/** The bytes of [s, e) as a Latin-1 string: exact for the ASCII text numbers are made of. */
function ascii(buf: Uint8Array, s: number, e: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('latin1');
}

function matches(buf: Uint8Array, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (buf[s + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** Parses the float64 in [s, e) into `values[k]`. */
export function parseFloat64Into(buf: Uint8Array, s: number, e: number, values: Float64Array, k: number): Status {
  let i = s;
  let negative = false;
  let b = buf[i]!;
  if (b === MINUS || b === PLUS) {
    negative = b === MINUS;
    if (++i === e) return NOT_VALID;
    b = buf[i]!;
  }
  if (b === 0x4e /* N */ || b === 0x49 /* I */) {
    if (i === s && matches(buf, i, e, 'NaN')) values[k] = NaN;
    else if (matches(buf, i, e, 'Infinity')) values[k] = negative ? -Infinity : Infinity;
    else return NOT_VALID;
    return OK;
  }
  let mantissa = 0;
  let digits = 0; // digits taken into the mantissa (leading zeros excluded)
  let exponent = 0;
  let any = false;
  for (; i < e; i++) {
    const d = buf[i]! - ZERO;
    if (d < 0 || d > 9) break;
    any = true;
    if (mantissa !== 0 || d !== 0) {
      mantissa = mantissa * 10 + d;
      digits++;
    }
  }
  if (i < e && buf[i] === DOT) {
    for (i++; i < e; i++) {
      const d = buf[i]! - ZERO;
      if (d < 0 || d > 9) break;
      any = true;
      if (mantissa !== 0 || d !== 0) {
        mantissa = mantissa * 10 + d;
        digits++;
      }
      exponent--;
    }
  }
  if (!any) return NOT_VALID;
  if (i < e && (buf[i] === 0x65 /* e */ || buf[i] === 0x45 /* E */)) {
    i++;
    let expNegative = false;
    if (i < e && (buf[i] === MINUS || buf[i] === PLUS)) expNegative = buf[i++] === MINUS;
    if (i === e) return NOT_VALID;
    let exp = 0;
    for (; i < e; i++) {
      const d = buf[i]! - ZERO;
      if (d < 0 || d > 9) return NOT_VALID;
      if (exp < 100_000) exp = exp * 10 + d;
    }
    exponent += expNegative ? -exp : exp;
  }
  if (i !== e) return NOT_VALID;
  if (digits <= 15 && exponent >= -22 && exponent <= 22) {
    // The mantissa is exact (< 10^15 < 2^53) and so is 10^|exponent|: one correctly rounded operation.
    const value = exponent < 0 ? mantissa / POW10[-exponent]! : mantissa * POW10[exponent]!;
    values[k] = negative ? -value : value;
  } else {
    values[k] = Number(ascii(buf, s, e));
  }
  return OK;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const TWO_32 = 4294967296;

/**
 * Parses the int64 in [s, e) into `values[k]` (through its 32-bit `words` view when the platform
 * is little-endian, which avoids a BigInt per value). Up to 15 digits are exact in a double;
 * longer numbers go through BigInt and are range-checked.
 */
export function parseInt64Into(buf: Uint8Array, s: number, e: number, values: BigInt64Array, words: Int32Array, k: number): Status {
  let i = s;
  let negative = false;
  const b = buf[i]!;
  if (b === MINUS || b === PLUS) {
    negative = b === MINUS;
    if (++i === e) return NOT_VALID;
  }
  const digits = e - i;
  if (digits <= 9 && LITTLE_ENDIAN) {
    // Below 10^9 < 2^31: small-integer arithmetic, and the high word is the sign.
    let v = 0;
    for (; i < e; i++) {
      const d = buf[i]! - ZERO;
      if (d < 0 || d > 9) return NOT_VALID;
      v = v * 10 + d;
    }
    if (negative) v = -v;
    words[2 * k] = v;
    words[2 * k + 1] = v >> 31;
    return OK;
  }
  if (digits <= 15) {
    let v = 0;
    for (; i < e; i++) {
      const d = buf[i]! - ZERO;
      if (d < 0 || d > 9) return NOT_VALID;
      v = v * 10 + d;
    }
    if (negative) v = -v;
    if (LITTLE_ENDIAN) {
      const high = Math.floor(v / TWO_32);
      words[2 * k] = (v - high * TWO_32) | 0;
      words[2 * k + 1] = high;
    } else {
      values[k] = BigInt(v);
    }
    return OK;
  }
  for (let j = i; j < e; j++) {
    const d = buf[j]! - ZERO;
    if (d < 0 || d > 9) return NOT_VALID;
  }
  const big = BigInt(ascii(buf, s, e));
  if (BigInt.asIntN(64, big) !== big) return OUT_OF_RANGE;
  values[k] = big;
  return OK;
}

/** Parses the int32 in [s, e) into `values[k]`. */
export function parseInt32Into(buf: Uint8Array, s: number, e: number, values: Int32Array, k: number): Status {
  let i = s;
  let negative = false;
  const b = buf[i]!;
  if (b === MINUS || b === PLUS) {
    negative = b === MINUS;
    if (++i === e) return NOT_VALID;
  }
  let v = 0;
  for (; i < e; i++) {
    const d = buf[i]! - ZERO;
    if (d < 0 || d > 9) return NOT_VALID;
    v = v * 10 + d; // inexact past 2^53, but by then it is far out of range anyway
  }
  if (negative) v = -v;
  if (v > 2147483647 || v < -2147483648) return OUT_OF_RANGE;
  values[k] = v;
  return OK;
}

/** Parses `true`/`false` (any letter case) in [s, e) into `values[k]` as 1/0. */
export function parseBoolInto(buf: Uint8Array, s: number, e: number, values: Uint8Array, k: number): Status {
  const n = e - s;
  if (n === 4 && (buf[s]! | 0x20) === 0x74 && (buf[s + 1]! | 0x20) === 0x72 && (buf[s + 2]! | 0x20) === 0x75 && (buf[s + 3]! | 0x20) === 0x65) {
    values[k] = 1;
    return OK;
  }
  if (
    n === 5 &&
    (buf[s]! | 0x20) === 0x66 &&
    (buf[s + 1]! | 0x20) === 0x61 &&
    (buf[s + 2]! | 0x20) === 0x6c &&
    (buf[s + 3]! | 0x20) === 0x73 &&
    (buf[s + 4]! | 0x20) === 0x65
  ) {
    values[k] = 0;
    return OK;
  }
  return NOT_VALID;
}

/** Inference votes: the types a field's text can be read as (0: only utf8). */
export const VOTE_INT64 = 1;
export const VOTE_FLOAT64 = 2;
export const VOTE_BOOL = 4;
export const VOTE_ANY = VOTE_INT64 | VOTE_FLOAT64 | VOTE_BOOL;

const scratch = new BigInt64Array(1);
const scratchWords = new Int32Array(scratch.buffer);
const scratchFloat = new Float64Array(1);
const scratchBool = new Uint8Array(1);

/**
 * The types the field [s, e) could be inferred as. Beyond what the parsers accept, inference
 * reads as text anything a number would not write back the same way an identifier is written:
 * a leading `+`, or a superfluous leading zero (`007`, `-01.5`). An integer outside the int64
 * range votes float64 only. Empty fields (null, or `""`) do not vote: the caller skips them.
 */
export function vote(buf: Uint8Array, s: number, e: number, escaped: boolean): number {
  if (escaped) return 0; // holds a quote: text
  if (parseBoolInto(buf, s, e, scratchBool, 0) === OK) return VOTE_BOOL;
  if (buf[s] === PLUS) return 0;
  const digits = buf[s] === MINUS ? s + 1 : s;
  if (buf[digits] === ZERO && digits + 1 < e) {
    const next = buf[digits + 1]! - ZERO;
    if (next >= 0 && next <= 9) return 0;
  }
  if (parseFloat64Into(buf, s, e, scratchFloat, 0) !== OK) return 0;
  return parseInt64Into(buf, s, e, scratch, scratchWords, 0) === OK ? VOTE_INT64 | VOTE_FLOAT64 : VOTE_FLOAT64;
}
