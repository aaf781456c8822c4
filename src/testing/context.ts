/**
 * Contexts for running a stage by hand, outside a pipeline: what stage authors (and the
 * compliance harness) use to test one stage alone.
 */
import { isAbsolute, resolve } from 'node:path';
import { RecordBatch } from '../batch/record-batch.js';
import type { Schema } from '../batch/schema.js';
import { jsKernels, type Kernels } from '../kernels/index.js';
import type { PlanContext, StageContext } from '../registry/stage.js';
import { requireColumn } from '../runtime/plan.js';

export interface TestContextOptions {
  /** The schema the stage produces (sources, transforms) or receives (sinks). */
  readonly schema: Schema;
  readonly kernels?: Kernels;
  readonly signal?: AbortSignal;
  readonly batchSize?: number;
  /** Folder relative paths resolve against; default: the working folder. */
  readonly baseDir?: string;
}

export interface TestStageContext extends StageContext {
  readonly bytesRead: number;
  readonly output: string | undefined;
}

export function testStageContext(options: TestContextOptions): TestStageContext {
  const baseDir = options.baseDir ?? process.cwd();
  const state = { bytesRead: 0, output: undefined as string | undefined };
  return {
    signal: options.signal ?? new AbortController().signal,
    batchSize: options.batchSize ?? 65_536,
    kernels: options.kernels ?? jsKernels,
    place: 'test',
    schema: options.schema,
    resolvePath: (path) => (isAbsolute(path) ? path : resolve(baseDir, path)),
    addBytesRead: (bytes) => {
      state.bytesRead += bytes;
    },
    recordImplementation: () => {},
    reportOutput: (where) => {
      state.output = where;
    },
    get bytesRead() {
      return state.bytesRead;
    },
    get output() {
      return state.output;
    },
  };
}

export interface TestPlanContext extends PlanContext {
  /** Problems recorded so far, as `option: message`. */
  readonly problems: string[];
}

export function testPlanContext(options: { baseDir?: string; batchSize?: number } = {}): TestPlanContext {
  const baseDir = options.baseDir ?? process.cwd();
  const problems: string[] = [];
  return {
    problems,
    batchSize: options.batchSize ?? 65_536,
    resolvePath: (path) => (isAbsolute(path) ? path : resolve(baseDir, path)),
    problem: (option, message) => problems.push(`${option}: ${message}`),
    requireColumn: (input, option, name, types) => requireColumn(input, name, types, (message) => problems.push(`${option}: ${message}`)),
  };
}

/** An async stream of the given batches: the input for a transform or sink under test. */
export async function* streamOf(batches: Iterable<RecordBatch>): AsyncGenerator<RecordBatch> {
  for (const batch of batches) yield batch;
}

/** Every batch of a stream, concatenated into rows. */
export async function collectRows(stream: AsyncIterable<RecordBatch>): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const batch of stream) {
    if (!RecordBatch.isRecordBatch(batch)) throw new TypeError('stream yielded something that is not a RecordBatch');
    rows.push(...batch.toRows());
  }
  return rows;
}
