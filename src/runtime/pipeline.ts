/**
 * The embedding API: a checked pipeline that runs to its sink or hands its output back in memory.
 *
 * ```ts
 * const pipeline = await Pipeline.fromJob({ source: { type: 'synthetic', rows: 1000 }, transforms: [...] });
 * const rows = await pipeline.rows();
 * ```
 */
import { concatBatches } from '../batch/concat.js';
import type { RecordBatch } from '../batch/record-batch.js';
import type { Schema } from '../batch/schema.js';
import { jobFromObject, readJobFile, type JobSpec, type LoadedJob } from './job.js';
import { planJob, type Plan } from './plan.js';
import { openRun, runPlan, summarize, type RunOptions, type RunSummary } from './run.js';

export class Pipeline {
  private constructor(readonly plan: Plan) {}

  /** Reads, checks and plans a job file; throws a JobError listing every problem. */
  static async fromFile(file: string, options: { requireSink?: boolean } = {}): Promise<Pipeline> {
    return Pipeline.fromLoaded(await readJobFile(file), options.requireSink ?? false);
  }

  /** Checks and plans a job given as an object; relative paths resolve against `baseDir` (default: the working folder). */
  static async fromJob(spec: JobSpec, options: { baseDir?: string } = {}): Promise<Pipeline> {
    return Pipeline.fromLoaded(jobFromObject(spec, options.baseDir), false);
  }

  static async fromLoaded(job: LoadedJob, requireSink: boolean): Promise<Pipeline> {
    return new Pipeline(await planJob(job, { requireSink }));
  }

  /** The schema of the rows leaving the last transform. */
  get schema(): Schema {
    return this.plan.outputSchema;
  }

  /** Runs the job through its sink. */
  run(options?: RunOptions): Promise<RunSummary> {
    return runPlan(this.plan, options);
  }

  /** The output of the last transform as a lazy stream of batches (the sink, if any, is not used). */
  async *batches(options?: RunOptions): AsyncGenerator<RecordBatch> {
    const run = openRun(this.plan, options);
    let failure: Error | undefined = new Error('the consumer stopped early');
    try {
      yield* run.output;
      failure = undefined;
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      // A consumer that stops early leaves the dead-letter output incomplete: it is aborted, not committed.
      await run.finish(failure);
    }
  }

  /** Every output batch, plus the run summary. */
  async collect(options?: RunOptions): Promise<{ batch: RecordBatch; summary: RunSummary }> {
    const run = openRun(this.plan, options);
    const batches: RecordBatch[] = [];
    try {
      for await (const batch of run.output) batches.push(batch);
    } catch (error) {
      await run.finish(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    await run.finish();
    return { batch: concatBatches(this.schema, batches), summary: summarize(this.plan, run) };
  }

  /** The output as row objects: for small results. */
  async rows(options?: RunOptions): Promise<Record<string, unknown>[]> {
    return (await this.collect(options)).batch.toRows();
  }
}
