/**
 * Byte-range splits of a text file whose records end at line breaks (the csv source; the ndjson
 * source uses the same cut). The cut depends on the file's size and the split size, never the
 * thread count, so every `threads` reads the same splits and results are identical.
 *
 * A split owns the records that start in its nominal range [start, end): it reads from its first
 * record start and stops at the first record boundary at or after `end` (a record that straddles
 * `end` is read whole by the split it starts in). Where the first record of split k > 0 starts
 * cannot be known locally in CSV, since the range may begin inside a quoted field, so the split
 * guesses (speculation, as in Ge et al., SIGMOD 2019): its first line start at or after `start`.
 * Reading returns the extent it covered; the runtime then asks `continueCsvSplit` for the exact
 * split (its start is the predecessor's true end) and re-reads the split when the guess was
 * wrong. Since records from a true record start parse deterministically, a guess is right exactly
 * when it equals that start, so the check is complete.
 */
import type { SourceSplit, SplitExtent } from '../../../registry/stage.js';
import { InputFile } from '../../../flow/files.js';
import { CR, LF } from './dialect.js';
import type { CsvInput } from './input.js';

/** Nominal bytes per split: large enough that a split is a coarse unit of work (see issue 4). */
export const SPLIT_BYTES = 16 << 20;

/** A byte range of one file (plain data: it is sent to worker threads). */
export interface FileSplit extends SourceSplit {
  readonly index: number;
  /** The file, resolved: a worker needs no job folder. */
  readonly path: string;
  /** Where reading starts: the nominal start, or the true first record when `exact`. */
  readonly start: number;
  /** The nominal end: the split stops at the first record boundary at or after it. */
  readonly end: number;
  /** The file's size when it was cut: the last split reads to the end of the file. */
  readonly size: number;
  readonly bytes: number;
  /** True when `start` is a record start (split 0, or made exact by the runtime). */
  readonly exact: boolean;
  /** The physical line (1-based) at `start`, when known. */
  readonly firstLine?: number;
}

/**
 * The split size: `SLUICE_SPLIT_BYTES` when set (a test and benchmark knob, so a small file can be
 * cut into many splits in a child process), else `fallback`.
 */
export function splitBytes(fallback: number): number {
  const raw = process.env['SLUICE_SPLIT_BYTES'];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`SLUICE_SPLIT_BYTES must be a positive integer (got ${JSON.stringify(raw)})`);
  return n;
}

/**
 * Cuts a file of `size` bytes into splits of `bytes`; an empty file is one empty split. From three
 * splits on, the bytes of the last two are cut again into a half and two quarters: units are
 * handed out in split order, so the workers end at most about a quarter split apart instead of a
 * whole one (CSV Q2, 25 splits of 16 MiB on two workers: the one done first idled ~10 ms, up to 20).
 */
export function cutFile(path: string, size: number, bytes: number): FileSplit[] {
  const count = Math.max(1, Math.ceil(size / bytes));
  const ends = Array.from({ length: count }, (_, index) => Math.min(size, (index + 1) * bytes));
  const tailStart = (count - 2) * bytes;
  const tail = size - tailStart;
  if (count >= 3 && tail >= 4) ends.splice(count - 2, 2, tailStart + Math.floor(tail / 2), tailStart + Math.floor((3 * tail) / 4), size);
  return ends.map((end, index): FileSplit => {
    const start = index === 0 ? 0 : ends[index - 1]!;
    return index === 0 ? { index, path, start, end, size, bytes: end - start, exact: true, firstLine: 1 } : { index, path, start, end, size, bytes: end - start, exact: false };
  });
}

/** Checks that `split` is one of ours (it came back from a worker or a queue as plain data). */
export function asFileSplit(split: SourceSplit): FileSplit {
  const s = split as Partial<FileSplit>;
  const ok =
    typeof s.path === 'string' &&
    Number.isSafeInteger(s.start) &&
    Number.isSafeInteger(s.end) &&
    Number.isSafeInteger(s.size) &&
    typeof s.exact === 'boolean' &&
    (s.firstLine === undefined || Number.isSafeInteger(s.firstLine));
  if (!ok) throw new TypeError(`split ${String(split.index)} is not a file split (expected { path, start, end, size, exact, firstLine? })`);
  return split as FileSplit;
}

/** Where reading stops: the nominal end, or nowhere for the last split (the file may have grown). */
export function limitOf(split: FileSplit): number {
  return split.end >= split.size ? Infinity : split.end;
}

/**
 * The exact split after a predecessor that covered `previous`: it starts where the predecessor's
 * last record ended, on the line after it.
 */
export function continueFileSplit(next: FileSplit, previous: SplitExtent): FileSplit {
  const firstLine = previous.firstLine !== undefined && previous.lines !== undefined ? previous.firstLine + previous.lines : undefined;
  const { firstLine: _old, ...rest } = next;
  return firstLine === undefined ? { ...rest, start: previous.end, exact: true } : { ...rest, start: previous.end, exact: true, firstLine };
}

/**
 * Moves `input` (opened one byte before a split's nominal start) to the first line start at or
 * after that start: just after the first LF, CRLF or lone CR that ends at or after it. With no
 * line break left, to the end of the file.
 */
export async function skipToLineStart(input: CsvInput): Promise<void> {
  for (;;) {
    const buf = input.buf;
    const end = input.end;
    for (let i = input.pos; i < end; i++) {
      const b = buf[i];
      if (b === LF) {
        input.pos = i + 1;
        return;
      }
      if (b === CR) {
        if (i + 1 < end) {
          if (buf[i + 1] !== LF) {
            input.pos = i + 1;
            return;
          }
        } else if (input.eof) {
          input.pos = end;
          return;
        } else {
          input.pos = i; // a LF may follow in the next window
          break;
        }
      }
      input.pos = i + 1;
    }
    if (input.eof) return;
    await input.more();
  }
}

/**
 * The physical line (1-based) at `offset` of the file: one more than the line breaks before it
 * (LF, CRLF and a lone CR count one each, or only LF with `lfOnly`). Used only to word an error of
 * a split read without its first line number.
 */
export async function lineAt(path: string, offset: number, lfOnly: boolean): Promise<number> {
  await using file = await InputFile.open(path);
  let line = 1;
  let read = 0;
  let crBefore = false;
  for await (const chunk of file.chunks(1 << 20)) {
    const n = Math.min(chunk.length, offset - read);
    for (let i = 0; i < n; i++) {
      const b = chunk[i];
      if (b === LF) {
        if (!crBefore) line++;
        crBefore = false;
      } else if (b === CR && !lfOnly) {
        line++;
        crBefore = true;
      } else {
        crBefore = false;
      }
    }
    read += n;
    if (read >= offset) break;
  }
  return line;
}
