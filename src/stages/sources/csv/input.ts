/**
 * The bytes of a CSV file as the tokenizer sees them: a window `buf[pos, end)` over the file,
 * refilled chunk by chunk. Only the unfinished record is carried from one window to the next, so
 * memory stays at about one chunk plus the longest record, whatever the file size. Reads are
 * positional, from `from` on, so a split of the file can start anywhere. With `mapThrough` the
 * windows are mappings of the file instead (a split's range each, no copy), and the memory they
 * hold is the page cache's, until V8 collects them.
 */
import type { InputFile } from '../../../flow/files.js';
import type { MapFileRange } from '../../../kernels/mapped-file.js';
import { tokenize, Tokens, type Cursor } from './tokenizer.js';

const EMPTY = Buffer.alloc(0);
/**
 * Room kept in front of a read-ahead chunk for the unfinished record of the window before it, so
 * the window can move onto the chunk without copying it (only that record is copied).
 */
const HEADROOM = 64 * 1024;

/** A mapped window spans at most this many chunks (64 MiB by default), at least one. */
const MAX_MAPPED_CHUNKS = 64;

/** Reading through mappings: the mapper, and the file offset the windows should reach (see `mapThrough`). */
interface Mapping {
  readonly map: MapFileRange;
  readonly until: number;
}

/** A chunk being read while the window before it is parsed. */
interface ReadAhead {
  readonly buffer: Buffer;
  /** Resolves to the bytes read into buffer[HEADROOM, …). */
  readonly read: Promise<number>;
}

export class CsvInput {
  buf: Buffer = EMPTY;
  pos = 0;
  end = 0;
  eof = false;
  readonly cursor: Cursor = { line: 1 };
  /** The file offset of the next byte to read (the one after `buf[end - 1]`). */
  private readAt: number;
  /** The next chunk, read while the window is parsed (reading ahead); null when none is under way. */
  private ahead: ReadAhead | null = null;
  /** The buffer the next read-ahead goes into (a window's buffer the parsers are done with). */
  private spare: Buffer | null = null;
  /** Set while the window is a mapping of the file: it is read-only to us, and `more` maps the next one. */
  private mapping: Mapping | null = null;
  constructor(
    private readonly file: InputFile,
    private readonly chunkSize: number,
    private readonly signal: AbortSignal | undefined,
    /** Called after each read with the bytes read and the file offset they end at. */
    private readonly onBytes: (bytes: number, endOffset: number) => void,
    from = 0,
    /**
     * Read the next chunk while the window is parsed: the read's wait (a thread-pool hop per
     * chunk, ~0.2–0.4 ms a MiB) then overlaps the parse instead of adding to it. For reading
     * data; planning reads a header and a sample and stops.
     */
    private readonly readAhead = false,
  ) {
    this.readAt = from;
  }

  /** The file offset of window index `i`. */
  offsetOf(i: number): number {
    return this.readAt - this.end + i;
  }

  /** The window index of file offset `offset` (outside [0, end] when it is not in the window). */
  indexOf(offset: number): number {
    return offset - (this.readAt - this.end);
  }

  /**
   * Reads through mappings of the file instead of copies: each window maps the file from the
   * unfinished record on, up to `until` (a split's end plus a little: one mapping per split) or at
   * most 64 chunks, at least one chunk. The parsers copy what they keep, so no view of a window
   * outlives it, and an unused mapping is released when V8 collects it. A file that cannot be
   * mapped (a pipe) or is empty past the window is read by copying; so is everything after it.
   * Call before the first read.
   */
  mapThrough(map: MapFileRange, until: number): void {
    this.mapping = { map, until };
  }

  /** Maps the next window (see `mapThrough`); false when there is none to map. */
  private mapNext(mapping: Mapping): boolean {
    const at = this.offsetOf(this.pos);
    const kept = this.end - this.pos;
    const length = Math.min(this.file.size - at, Math.max(this.chunkSize, 2 * kept, Math.min(mapping.until - at, MAX_MAPPED_CHUNKS * this.chunkSize)));
    if (length <= kept) return false;
    let window: Buffer;
    try {
      window = mapping.map(this.file.handle.fd, at, length);
    } catch {
      return false; // not mappable: copies do the same
    }
    this.buf = window;
    this.pos = 0;
    this.end = length;
    this.readAt = at + length;
    this.onBytes(length - kept, this.readAt);
    return true;
  }

  /** Reads the first bytes and skips a UTF-8 byte order mark. */
  async start(): Promise<void> {
    while (this.end - this.pos < 3 && !this.eof) await this.more();
    const b = this.buf;
    if (this.end - this.pos >= 3 && b[this.pos] === 0xef && b[this.pos + 1] === 0xbb && b[this.pos + 2] === 0xbf) this.pos += 3;
  }

  /**
   * Keeps the unread bytes and appends at least as many new ones (so a record longer than a
   * chunk costs linear, not quadratic, rescanning), or sets `eof`. The new bytes are read straight
   * into the window (profiles/csv-native-parse). The window's memory is reused while it is large
   * enough: the parsers copy what they keep, so no view of it outlives the call that made it, and
   * a fresh MiB per read was most of the external memory that drove V8's full collections.
   */
  async more(): Promise<void> {
    this.signal?.throwIfAborted();
    if (this.mapping !== null) {
      if (this.mapNext(this.mapping)) return;
      // From here on, copies: the window's buffer is a fresh one, never the mapping.
      this.mapping = null;
      const kept = this.end - this.pos;
      const copy = Buffer.allocUnsafe(kept + Math.max(this.chunkSize, kept));
      this.buf.copy(copy, 0, this.pos, this.end);
      this.buf = copy;
      this.pos = 0;
      this.end = kept;
    }
    if (this.ahead !== null) return this.moreAhead(this.ahead);
    await this.moreNow();
    this.startReadAhead();
  }

  /**
   * Moves the window onto the chunk read ahead: the unfinished record is copied in front of it
   * (into the headroom), the chunk itself stays where it was read. A record longer than the
   * headroom takes the plain path.
   */
  private async moreAhead(ahead: ReadAhead): Promise<void> {
    this.ahead = null;
    const got = await ahead.read;
    const kept = this.end - this.pos;
    if (got === 0) {
      this.eof = true;
      return;
    }
    if (kept > HEADROOM) {
      // A long record: the plain path, with the chunk read ahead as its first bytes.
      await this.moreNow(ahead.buffer.subarray(HEADROOM, HEADROOM + got));
      this.spare = ahead.buffer;
      this.startReadAhead();
      return;
    }
    this.buf.copy(ahead.buffer, HEADROOM - kept, this.pos, this.end);
    this.readAt += got;
    this.onBytes(got, this.readAt);
    this.spare = this.buf.length === ahead.buffer.length ? this.buf : null;
    this.buf = ahead.buffer;
    this.pos = HEADROOM - kept;
    this.end = HEADROOM + got;
    this.startReadAhead();
  }

  /** Starts reading the chunk after the window into the spare buffer (reading ahead only). */
  private startReadAhead(): void {
    if (!this.readAhead || this.eof || this.ahead !== null) return;
    const size = HEADROOM + this.chunkSize;
    const buffer = this.spare !== null && this.spare.length === size ? this.spare : Buffer.allocUnsafe(size);
    this.spare = null;
    const read = this.file.handle.read(buffer, HEADROOM, this.chunkSize, this.readAt).then((r) => r.bytesRead);
    // Awaited by the next `more`; if the run ends first, its failure is nobody's to report.
    read.catch(() => undefined);
    this.ahead = { buffer, read };
  }

  /** Reads the next bytes now (see `more`), after the bytes `first` already read when given. */
  private async moreNow(first?: Buffer): Promise<void> {
    const kept = this.end - this.pos;
    const want = Math.max(this.chunkSize, kept);
    let next = this.buf;
    if (next.length >= kept + want) {
      next.copyWithin(0, this.pos, this.end);
      this.pos = 0; // the same unread bytes, at the front: the window stays valid across the reads
      this.end = kept;
    } else {
      next = Buffer.allocUnsafe(kept + want);
      this.buf.copy(next, 0, this.pos, this.end);
    }
    let added = 0;
    if (first !== undefined) {
      first.copy(next, kept);
      added = first.length;
      this.onBytes(added, this.readAt + added);
    }
    while (added < want) {
      const { bytesRead } = await this.file.handle.read(next, kept + added, want - added, this.readAt + added);
      if (bytesRead === 0) {
        this.eof = true;
        break;
      }
      added += bytesRead;
      this.onBytes(bytesRead, this.readAt + added);
    }
    if (added === 0) return; // end of file: the window holds the same unread bytes
    this.readAt += added;
    this.buf = next;
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
