/**
 * The harness's instruments: open file descriptors, deadlines, a stream drained under a deadline,
 * an instrumented input stream, folder snapshots, error chains and row comparison. None of them
 * knows about a test framework.
 */
import { readdirSync } from 'node:fs';
import { mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { RecordBatch } from '../../batch/record-batch.js';
import type { Schema } from '../../batch/schema.js';
import { describeError } from './results.js';

// ---------------------------------------------------------------------------------------------
// File descriptors

const FD_DIRS = process.platform === 'darwin' ? ['/dev/fd'] : ['/proc/self/fd'];

/** How many file descriptors this process holds, or undefined where that cannot be counted. */
export function openDescriptors(): number | undefined {
  for (const dir of FD_DIRS) {
    try {
      return readdirSync(dir).length;
    } catch {
      // not this platform
    }
  }
  return undefined;
}

export const FD_UNSUPPORTED = `cannot count open file descriptors on ${process.platform} (no /proc/self/fd)`;

/**
 * The descriptors opened since `before` and still open. A stage that closes its handle without
 * awaiting the close gets a short grace (up to ~200 ms) before it counts as a leak.
 */
export async function leakedDescriptors(before: number | undefined): Promise<number> {
  if (before === undefined) return 0;
  for (let waited = 0; ; waited += 20) {
    const now = openDescriptors() ?? before;
    if (now <= before || waited >= 200) return Math.max(0, now - before);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Opens, reads and closes a file once, so the first stage measured does not pay for lazy libuv setup. */
export async function warmUpFileSystem(dir: string): Promise<void> {
  const path = join(dir, '.warm-up');
  await writeFile(path, 'x');
  const handle = await open(path, 'r');
  await handle.read(new Uint8Array(1), 0, 1, 0);
  await handle.close();
  await rm(path);
  await readdir(dir);
}

// ---------------------------------------------------------------------------------------------
// Deadlines

export type Settled<T> = { readonly state: 'fulfilled'; readonly value: T } | { readonly state: 'rejected'; readonly error: unknown } | { readonly state: 'timeout' };

/** How `promise` settled, or `timeout` if it did not within `ms`. */
export async function settle<T>(promise: PromiseLike<T>, ms: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ state: 'timeout' }), ms);
  });
  try {
    return await Promise.race([
      Promise.resolve(promise).then(
        (value): Settled<T> => ({ state: 'fulfilled', value }),
        (error: unknown): Settled<T> => ({ state: 'rejected', error }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Lets pending microtasks, immediates and short timers run. */
export function pause(ms = 20): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// Draining a stream

export type StreamEnd = { readonly state: 'done' } | { readonly state: 'error'; readonly error: unknown } | { readonly state: 'timeout' } | { readonly state: 'cut' };

export interface Drained {
  readonly items: unknown[];
  readonly end: StreamEnd;
}

export interface DrainOptions {
  readonly timeoutMs: number;
  /** Called after each item; return true to stop pulling (the stream then ends as `cut` and is closed). */
  readonly afterItem?: (index: number) => boolean | void;
}

/**
 * Pulls every item of `stream` under one deadline. A stream that does not settle in time is left
 * (its `return()` is called without waiting); one that is cut is closed and awaited.
 */
export async function drain(stream: AsyncIterable<unknown>, options: DrainOptions): Promise<Drained> {
  const deadline = performance.now() + options.timeoutMs;
  const items: unknown[] = [];
  let iterator: AsyncIterator<unknown>;
  try {
    iterator = stream[Symbol.asyncIterator]();
  } catch (error) {
    return { items, end: { state: 'error', error } };
  }
  for (;;) {
    const next = await settle(iterator.next(), Math.max(1, deadline - performance.now()));
    if (next.state === 'timeout') {
      void Promise.resolve(iterator.return?.()).catch(() => undefined);
      return { items, end: next };
    }
    if (next.state === 'rejected') return { items, end: { state: 'error', error: next.error } };
    if (next.value.done) return { items, end: { state: 'done' } };
    items.push(next.value.value);
    if (options.afterItem?.(items.length - 1) === true) {
      await settle(Promise.resolve(iterator.return?.()), Math.max(1, deadline - performance.now()));
      return { items, end: { state: 'cut' } };
    }
  }
}

/** What is wrong with the items a stream yielded, given its declared schema; undefined if nothing. */
export function batchProblem(items: readonly unknown[], declared: Schema): string | undefined {
  for (const [index, item] of items.entries()) {
    if (!RecordBatch.isRecordBatch(item)) return `item ${index} is ${describeValue(item)}, not a RecordBatch`;
    if (item.schema !== declared && !item.schema.equals(declared)) return `batch ${index} has schema {${item.schema}} but the declared schema is {${declared}}`;
  }
  return undefined;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value)})`;
  return `a ${typeof value}`;
}

/** The rows of the batches (call {@link batchProblem} first). */
export function rowsOf(items: readonly unknown[]): Record<string, unknown>[] {
  return (items as RecordBatch[]).flatMap((batch) => batch.toRows() as Record<string, unknown>[]);
}

export function countRows(items: readonly unknown[]): number {
  return (items as RecordBatch[]).reduce((n, batch) => n + batch.numRows, 0);
}

/** `ended normally`, `threw TypeError: x`, `did not end within 5000 ms`: how a stream ended, for messages. */
export function describeEnd(end: StreamEnd, timeoutMs: number): string {
  switch (end.state) {
    case 'done':
      return 'ended normally';
    case 'error':
      return `threw ${describeError(end.error)}`;
    case 'timeout':
      return `did not settle within ${timeoutMs} ms`;
    case 'cut':
      return 'was cut short by the harness';
  }
}

// ---------------------------------------------------------------------------------------------
// An instrumented input stream, for transforms and sinks

export interface InputProbe {
  readonly stream: AsyncGenerator<RecordBatch>;
  /** Batches handed out so far. */
  readonly yielded: number;
  /** The generator's `finally` has run: it was exhausted, failed, or closed by `return()`. */
  readonly closed: boolean;
  /** Every batch was handed out and the end was reached. */
  readonly exhausted: boolean;
  /** The planned failure or abort happened (the stage pulled that far). */
  readonly failed: boolean;
}

export interface InputBehaviour {
  /** Throw this error instead of handing out batch number `at` (0-based). */
  readonly failAt?: { readonly at: number; readonly error: unknown };
  /** Before handing out batch number `at`, abort `controller` and throw its reason, as an upstream honouring the signal does. */
  readonly abortAt?: { readonly at: number; readonly controller: AbortController; readonly reason: unknown };
}

/** A stream of `batches` that records how it was consumed. */
export function probeInput(batches: readonly RecordBatch[], behaviour: InputBehaviour = {}): InputProbe {
  const state = { yielded: 0, closed: false, exhausted: false, failed: false };
  async function* generate(): AsyncGenerator<RecordBatch> {
    try {
      for (let i = 0; i < batches.length; i++) {
        await Promise.resolve();
        if (behaviour.failAt?.at === i) {
          state.failed = true;
          throw behaviour.failAt.error;
        }
        if (behaviour.abortAt?.at === i) {
          state.failed = true;
          behaviour.abortAt.controller.abort(behaviour.abortAt.reason);
          behaviour.abortAt.controller.signal.throwIfAborted();
        }
        state.yielded++;
        yield batches[i]!;
      }
      state.exhausted = true;
    } finally {
      state.closed = true;
    }
  }
  const stream = generate();
  return {
    stream,
    get yielded() {
      return state.yielded;
    },
    get closed() {
      return state.closed;
    },
    get exhausted() {
      return state.exhausted;
    },
    get failed() {
      return state.failed;
    },
  };
}

/** Whether `target` is `error` itself or anywhere in its `cause` / `suppressed` / `errors` chain. */
export function errorChainHas(error: unknown, target: unknown): boolean {
  const seen = new Set<unknown>();
  const queue = [error];
  while (queue.length > 0) {
    const e = queue.shift();
    if (e === target) return true;
    if (typeof e !== 'object' || e === null || seen.has(e)) continue;
    seen.add(e);
    const { cause, suppressed, error: inner, errors } = e as { cause?: unknown; suppressed?: unknown; error?: unknown; errors?: unknown };
    queue.push(cause, suppressed, inner);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return false;
}

/** An abort reason that is both identifiable and an `AbortError`. */
export function abortReason(): DOMException {
  return new DOMException('aborted by the compliance harness', 'AbortError');
}

/** Whether `error` is an acceptable way to end after an abort with `reason`. */
export function isAbortEnd(error: unknown, reason: unknown): boolean {
  return errorChainHas(error, reason) || (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError');
}

// ---------------------------------------------------------------------------------------------
// Folders

export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-compliance-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Every entry under `dir`, as sorted relative paths (folders end with `/`). */
export async function snapshot(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      found.push(relative(dir, path) + (entry.isDirectory() ? '/' : ''));
      if (entry.isDirectory()) await walk(path);
    }
  };
  await walk(dir);
  return found.sort();
}

/** Entries of `after` that were not in `before`. */
export function added(before: readonly string[], after: readonly string[]): string[] {
  const old = new Set(before);
  return after.filter((entry) => !old.has(entry));
}

// ---------------------------------------------------------------------------------------------
// Rows

/**
 * Where `actual` first differs from `expected`, or undefined when they hold the same rows in the
 * same order. Values compare with `Object.is` semantics for NaN; float64 values may differ by a
 * relative `floatTolerance` (summation order may change with batch boundaries).
 */
export function rowsDifference(expected: readonly Record<string, unknown>[], actual: readonly Record<string, unknown>[], floatTolerance = 0): string | undefined {
  if (expected.length !== actual.length) return `${actual.length} rows instead of ${expected.length}`;
  for (let r = 0; r < expected.length; r++) {
    const e = expected[r]!;
    const a = actual[r]!;
    for (const key of new Set([...Object.keys(e), ...Object.keys(a)])) {
      if (!sameValue(e[key], a[key], floatTolerance)) return `row ${r}, column "${key}": ${show(a[key])} instead of ${show(e[key])}`;
    }
  }
  return undefined;
}

function sameValue(a: unknown, b: unknown, tolerance: number): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) && Number.isNaN(b)) return true;
    if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
    return Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));
  }
  return false;
}

function show(value: unknown): string {
  return typeof value === 'bigint' ? `${value}n` : typeof value === 'string' ? JSON.stringify(value) : String(value);
}
