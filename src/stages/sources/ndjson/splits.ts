/**
 * Byte-range splits of an NDJSON file. They are cut as the csv source cuts (fixed size, never the
 * thread count; see ../csv/splits.ts), but a JSON line holds no raw line break (one inside a string
 * is written `\n`), so the record boundaries are known from the bytes alone: a split reads the
 * lines that start in its nominal range [start, end), from its first line start at or after
 * `start` to the first one at or after `end`. The guess is always right; the runtime's check
 * (`continueSplit`) only carries the first line number forward, for exact error lines.
 */
import type { InputFile } from '../../../flow/files.js';
import type { MapFileRange } from '../../../kernels/mapped-file.js';
import type { FileSplit } from '../csv/splits.js';

const NEWLINE = 10;
/** Bytes read at a time while looking for a line start. */
const PROBE_BYTES = 1 << 16;

/** An ndjson split: a file split plus how the schema was fixed (a worker has no sample to ask). */
export interface NdjsonSplit extends FileSplit {
  /** Non-blank lines the inferred schema was drawn from, for error messages; absent when declared. */
  readonly sampleLines?: number;
}

/** The first line start at or after `offset`: just after the first LF at or after `offset - 1`; the file's size when none. */
export async function lineStartFrom(file: InputFile, offset: number): Promise<number> {
  if (offset <= 0) return 0;
  const probe = Buffer.allocUnsafe(PROBE_BYTES);
  for (let at = offset - 1; ; ) {
    const { bytesRead } = await file.handle.read(probe, 0, PROBE_BYTES, at);
    if (bytesRead === 0) return at;
    const i = probe.subarray(0, bytesRead).indexOf(NEWLINE);
    if (i >= 0) return at + i + 1;
    at += bytesRead;
  }
}

/** The bytes [start, end) of `file` (to its end when `end` is Infinity) in fresh chunks of about `chunkSize`. */
export async function* byteRange(file: InputFile, start: number, end: number, chunkSize: number, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  for (let at = start; at < end; ) {
    signal.throwIfAborted();
    const want = Math.min(chunkSize, end - at);
    const buffer = new Uint8Array(want);
    const { bytesRead } = await file.handle.read(buffer, 0, want, at);
    if (bytesRead === 0) return;
    at += bytesRead;
    yield bytesRead === want ? buffer : buffer.subarray(0, bytesRead);
  }
}

/**
 * The bytes [start, end) of `file` as windows over private mappings of it, a chunk each: the
 * parser reads the page cache itself instead of a copy (see ../csv/input.ts `mapThrough`,
 * profiles/csv-mapped/). Windows of a chunk, not larger: both readers check a whole window for
 * UTF-8 before parsing its lines, so which of two errors a run reports depends on where windows
 * end, and mapped and copied reads must end them at the same bytes. From the first window that
 * cannot be mapped on (a pipe), and past the size the file had when opened, copies as `byteRange`
 * reads them. Each window is the caller's to keep; it is unmapped when V8 collects it.
 */
export async function* mappedRange(file: InputFile, start: number, end: number, chunkSize: number, map: MapFileRange, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  const stop = Math.min(end, file.size);
  let at = start;
  while (at < stop) {
    signal.throwIfAborted();
    const length = Math.min(chunkSize, stop - at);
    let window: Uint8Array;
    try {
      window = map(file.handle.fd, at, length);
    } catch {
      break; // copies do the same
    }
    at += length;
    yield window;
  }
  if (at < end) yield* byteRange(file, at, end, chunkSize, signal);
}
