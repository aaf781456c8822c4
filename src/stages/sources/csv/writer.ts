/**
 * Encoding CSV fields straight into bytes (for the `csv_file` sink): numbers digit by digit,
 * text from its UTF-8 bytes, so writing a row makes no JavaScript string per field.
 */
import { CR, LF, QUOTE } from './dialect.js';

const CHUNK_BYTES = 1 << 20;

/**
 * Bytes written into 1 MiB chunks; `take()` hands the filled chunks over (they are never reused:
 * a file may hold them until it flushes).
 */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;
  private readonly full: Uint8Array[] = [];

  constructor(private readonly chunkBytes = CHUNK_BYTES) {
    this.buf = new Uint8Array(chunkBytes);
  }

  /** Room for `n` more bytes at `pos`. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.pos > 0) this.full.push(this.buf.subarray(0, this.pos));
    this.buf = new Uint8Array(Math.max(this.chunkBytes, n));
    this.pos = 0;
  }

  byte(b: number): void {
    if (this.pos === this.buf.length) this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** An ASCII string. */
  ascii(text: string): void {
    this.ensure(text.length);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < text.length; i++) buf[pos++] = text.charCodeAt(i);
    this.pos = pos;
  }

  /** Bytes src[s, e). */
  bytes(src: Uint8Array, s: number, e: number): void {
    this.ensure(e - s);
    const buf = this.buf;
    let pos = this.pos;
    for (let j = s; j < e; j++) buf[pos++] = src[j]!;
    this.pos = pos;
  }

  /** The chunks written so far; the writer starts a fresh chunk. */
  take(): Uint8Array[] {
    if (this.pos > 0) {
      this.full.push(this.buf.subarray(0, this.pos));
      this.buf = new Uint8Array(this.chunkBytes);
      this.pos = 0;
    }
    return this.full.splice(0);
  }
}

/** "00" … "99": integers are written two digits at a time. */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 0x30 + ((i / 10) | 0);
  PAIRS[2 * i + 1] = 0x30 + (i % 10);
}

function digitCount(n: number): number {
  if (n < 100_000) return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10_000 ? 4 : 5;
  return n < 1_000_000 ? 6 : n < 10_000_000 ? 7 : n < 100_000_000 ? 8 : n < 1_000_000_000 ? 9 : 10;
}

/** Writes the digits of `n`, an integer in [0, 2^31), left-padded with zeros to `width`. */
function writeSmall(out: ByteWriter, n: number, width: number): void {
  const length = Math.max(digitCount(n), width);
  out.ensure(length);
  const buf = out.buf;
  const start = out.pos;
  let p = (out.pos = start + length);
  while (n >= 100) {
    const q = (n / 100) | 0;
    const pair = (n - q * 100) << 1;
    buf[--p] = PAIRS[pair + 1]!;
    buf[--p] = PAIRS[pair]!;
    n = q;
  }
  if (n >= 10) {
    buf[--p] = PAIRS[(n << 1) + 1]!;
    buf[--p] = PAIRS[n << 1]!;
  } else {
    buf[--p] = 0x30 + n;
  }
  while (p > start) buf[--p] = 0x30;
}

const BILLION = 1_000_000_000;

/** Writes an integer of magnitude below 2^53 (as `String(v)` would, but `-0` is `0`). */
export function writeInteger(out: ByteWriter, v: number): void {
  if (v < 0) {
    out.byte(0x2d);
    v = -v;
  }
  if (v < BILLION) return writeSmall(out, v, 0);
  const high = Math.floor(v / BILLION);
  writeSmall(out, high, 0);
  writeSmall(out, v - high * BILLION, 9);
}

const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000];
/** Bound on the scaled value in the fast path: well inside the 2^52 the argument needs. */
const FAST_LIMIT = 2 ** 50;

/**
 * Writes a float64 exactly as `String(x)` does (shortest round-trip digits; `NaN`, `Infinity`,
 * `-Infinity`), except negative zero, written `-0`.
 *
 * Fast path for values with up to 6 decimals: take the smallest k for which m = round(|x|·10^k)
 * gives m / 10^k === |x| (the division of two exact doubles is correctly rounded, so the decimal
 * m·10^-k reads back as x). With m < 2^50, k-decimal numbers (10^-k apart) lie further apart than
 * the width of x's rounding interval (ulp(x) ≤ |x|·2^-52), so m is the only k-decimal form of x,
 * and a form with fewer decimals would have been found first (round() cannot miss it: the error of
 * |x|·10^j is far below 0.5). So m·10^-k is the shortest round-trip form, which is what `String`
 * prints, in fixed notation since 1e-6 ≤ |x| < 1e21. Anything else goes through `String`.
 */
export function writeFloat64(out: ByteWriter, x: number): void {
  if (Number.isSafeInteger(x)) {
    if (x === 0 && 1 / x < 0) out.ascii('-0');
    else writeInteger(out, x);
    return;
  }
  const a = x < 0 ? -x : x;
  if (a < FAST_LIMIT) {
    for (let k = 1; k <= 6; k++) {
      const scale = POW10[k]!;
      const m = Math.round(a * scale);
      if (m >= FAST_LIMIT) break;
      if (m / scale === a) {
        if (x < 0) out.byte(0x2d);
        const whole = Math.floor(m / scale);
        writeInteger(out, whole);
        out.byte(0x2e);
        writeSmall(out, m - whole * scale, k);
        return;
      }
    }
  }
  out.ascii(String(x));
}

/** Writes a text field from its UTF-8 bytes, quoted when a reader would otherwise misread it. */
export function writeText(out: ByteWriter, src: Uint8Array, s: number, e: number, delim: number): void {
  if (s === e) {
    out.ensure(2);
    out.buf[out.pos++] = QUOTE;
    out.buf[out.pos++] = QUOTE;
    return;
  }
  for (let j = s; j < e; j++) {
    const b = src[j]!;
    if (b === QUOTE || b === delim || b === LF || b === CR) return writeQuoted(out, src, s, e);
  }
  out.bytes(src, s, e);
}

/** Writes src[s, e) in quotes, doubling the quotes inside. */
export function writeQuoted(out: ByteWriter, src: Uint8Array, s: number, e: number): void {
  out.ensure(2 * (e - s) + 2);
  const buf = out.buf;
  let pos = out.pos;
  buf[pos++] = QUOTE;
  for (let j = s; j < e; j++) {
    const b = src[j]!;
    buf[pos++] = b;
    if (b === QUOTE) buf[pos++] = QUOTE;
  }
  buf[pos++] = QUOTE;
  out.pos = pos;
}
