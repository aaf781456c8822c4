/**
 * Byte chunks → lines. Chunks are cut at their last `\n` byte (a byte that never occurs inside a
 * multi-byte UTF-8 sequence, so no character is split); the partial last line is carried to the
 * next chunk. The complete lines of a chunk are decoded with one TextDecoder call into one string
 * and handed to a {@link LineSink} line by line as `[start, end)` ranges of it, with their 1-based
 * line numbers in the file (blank lines count). A UTF-8 byte order mark at the start of the file
 * is skipped; invalid UTF-8 is a DataError naming the line.
 */
import { DataError } from '../../../runtime/errors.js';
import { columnAt } from './scanner.js';

export interface LineSink {
  /** Reads one line; returns whether it produced a row (blank lines do not). */
  parseLine(text: string, start: number, end: number, line: number): boolean;
}

const NEWLINE = 10;

export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private carry: Uint8Array[] = [];
  private carryBytes = 0;
  private atFileStart: boolean;
  /** Decoded complete lines not yet handed out, and where the next one starts. */
  private text = '';
  private next = 0;
  /** The line number of the next line handed out. */
  line = 1;

  /** `start`: where the bytes pushed begin (a split after the first starts on a later line, with no byte order mark). */
  constructor(
    readonly file: string,
    start: { line: number; atFileStart: boolean } = { line: 1, atFileStart: true },
  ) {
    this.line = start.line;
    this.atFileStart = start.atFileStart;
  }

  /** True while decoded lines are waiting for {@link feed}. */
  get pending(): boolean {
    return this.next < this.text.length;
  }

  /** Bytes held for a line not yet complete. */
  get carriedBytes(): number {
    return this.carryBytes;
  }

  /** Takes the next chunk of the file; its complete lines become pending. Call when nothing is pending. */
  push(chunk: Uint8Array): void {
    let bytes = chunk;
    if (this.atFileStart && this.carryBytes + bytes.length > 0) {
      if (this.carryBytes + bytes.length < 3) {
        // Too short to tell whether a byte order mark starts the file: wait for more.
        this.hold(bytes);
        return;
      }
      bytes = this.takeCarry(bytes);
      this.atFileStart = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    const last = bytes.lastIndexOf(NEWLINE);
    if (last < 0) {
      this.hold(bytes);
      return;
    }
    const complete = this.takeCarry(bytes.subarray(0, last + 1));
    if (last + 1 < bytes.length) this.hold(bytes.subarray(last + 1));
    this.setText(complete);
  }

  /** The input has ended: a last line without a newline becomes pending. */
  finish(): void {
    const rest = this.takeCarry(new Uint8Array(0));
    if (this.atFileStart && rest[0] === 0xef && rest[1] === 0xbb && rest[2] === 0xbf) this.setText(rest.subarray(3));
    else if (rest.length > 0) this.setText(rest);
    this.atFileStart = false;
  }

  /**
   * Hands pending lines to `sink` until it has produced `rows` rows or nothing is pending.
   * Returns the number of rows produced.
   */
  feed(sink: LineSink, rows: number): number {
    const text = this.text;
    const length = text.length;
    let next = this.next;
    let line = this.line;
    let produced = 0;
    try {
      while (next < length && produced < rows) {
        let end = text.indexOf('\n', next);
        if (end < 0) end = length;
        if (sink.parseLine(text, next, end, line)) produced++;
        line++;
        next = end + 1;
      }
    } finally {
      this.next = next;
      this.line = line;
    }
    return produced;
  }

  private hold(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.carry.push(bytes);
    this.carryBytes += bytes.length;
  }

  /** The carried bytes followed by `bytes`, as one array; empties the carry. */
  private takeCarry(bytes: Uint8Array): Uint8Array {
    if (this.carryBytes === 0) return bytes;
    const joined = new Uint8Array(this.carryBytes + bytes.length);
    let at = 0;
    for (const part of this.carry) {
      joined.set(part, at);
      at += part.length;
    }
    joined.set(bytes, at);
    this.carry = [];
    this.carryBytes = 0;
    return joined;
  }

  private setText(bytes: Uint8Array): void {
    let text: string;
    try {
      text = this.decoder.decode(bytes);
    } catch {
      this.invalidUtf8(bytes);
    }
    this.text = text;
    this.next = 0;
  }

  /** Finds the line holding the invalid bytes and reports it. */
  private invalidUtf8(bytes: Uint8Array): never {
    let line = this.line;
    for (let start = 0; start < bytes.length; line++) {
      let end = bytes.indexOf(NEWLINE, start);
      if (end < 0) end = bytes.length;
      const lineBytes = bytes.subarray(start, end);
      try {
        this.decoder.decode(lineBytes);
      } catch {
        // Streaming decodes fail only on a definitely invalid sequence, so "prefix decodes" is
        // monotonic: bisect for the first bad byte; its column is the characters before it, plus one.
        const decodes = (n: number) => {
          try {
            const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(lineBytes.subarray(0, n), { stream: true });
            return columnAt(text, 0, text.length) - 1;
          } catch {
            return -1;
          }
        };
        let good = 0;
        let bad = lineBytes.length;
        while (bad - good > 1) {
          const mid = (good + bad) >>> 1;
          if (decodes(mid) >= 0) good = mid;
          else bad = mid;
        }
        const valid = decodes(good);
        throw new DataError(this.file, line, valid + 1, 'invalid UTF-8');
      }
      start = end + 1;
    }
    throw new DataError(this.file, line, undefined, 'invalid UTF-8');
  }
}
