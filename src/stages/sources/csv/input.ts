/**
 * The bytes of a CSV file as the tokenizer sees them: a window `buf[pos, end)` over the file,
 * refilled chunk by chunk. Only the unfinished record is carried from one window to the next, so
 * memory stays at about one chunk plus the longest record, whatever the file size.
 */
import type { InputFile } from '../../../flow/files.js';
import { tokenize, Tokens, type Cursor } from './tokenizer.js';

const EMPTY = Buffer.alloc(0);

export class CsvInput {
  buf: Buffer = EMPTY;
  pos = 0;
  end = 0;
  eof = false;
  readonly cursor: Cursor = { line: 1 };
  private readonly chunks: AsyncIterator<Uint8Array>;

  constructor(
    file: InputFile,
    chunkSize: number,
    private readonly signal: AbortSignal | undefined,
    private readonly onBytes: (bytes: number) => void,
  ) {
    this.chunks = file.chunks(chunkSize, signal)[Symbol.asyncIterator]();
  }

  /** Reads the first bytes and skips a UTF-8 byte order mark. */
  async start(): Promise<void> {
    while (this.end - this.pos < 3 && !this.eof) await this.more();
    const b = this.buf;
    if (this.end - this.pos >= 3 && b[this.pos] === 0xef && b[this.pos + 1] === 0xbb && b[this.pos + 2] === 0xbf) this.pos += 3;
  }

  /**
   * Keeps the unread bytes and appends at least as many new ones (so a record longer than a
   * chunk costs linear, not quadratic, rescanning), or sets `eof`.
   */
  async more(): Promise<void> {
    this.signal?.throwIfAborted();
    const kept = this.end - this.pos;
    const parts: Uint8Array[] = [];
    let added = 0;
    do {
      const next = await this.chunks.next();
      if (next.done) {
        this.eof = true;
        break;
      }
      parts.push(next.value);
      added += next.value.length;
      this.onBytes(next.value.length);
    } while (added < kept);
    if (kept === 0 && parts.length === 1) {
      const only = parts[0]!;
      this.buf = Buffer.from(only.buffer, only.byteOffset, only.length);
    } else if (added > 0) {
      const joined = Buffer.allocUnsafe(kept + added);
      this.buf.copy(joined, 0, this.pos, this.end);
      let at = kept;
      for (const part of parts) {
        joined.set(part, at);
        at += part.length;
      }
      this.buf = joined;
    } else {
      return; // end of file: the window is unchanged
    }
    this.pos = 0;
    this.end = kept + added;
  }

  /**
   * The first record (skipping empty lines before it), its fields in a one-row Tokens as wide as
   * the record; null when the file holds no record. With `peek`, the window stays at the record's
   * start so it is read again as data.
   */
  async firstRecord(delim: number, peek: boolean): Promise<Tokens | null> {
    let t = new Tokens(64, 1);
    for (;;) {
      const line = this.cursor.line;
      const pos = this.pos;
      t.rows = 0;
      t.error = null;
      const next = tokenize(this.buf, pos, this.end, this.eof, delim, 0, 1, t, this.cursor);
      if (t.error !== null) {
        this.pos = next; // the bad record, after the empty lines skipped before it
        return t;
      }
      if (t.rows === 1) {
        if (t.found > t.width) {
          // Wider than guessed: read it again with room for every field.
          t = new Tokens(t.found, 1);
          this.cursor.line = line;
          continue;
        }
        if (peek) {
          this.pos = t.start;
          this.cursor.line = t.lines[0]!;
        } else {
          this.pos = next;
        }
        return t;
      }
      this.pos = next;
      if (this.eof) return null;
      await this.more();
    }
  }
}
