import { describe, expect, it } from 'vitest';
import { JobError, Pipeline, type JobSpec } from '../src/index.js';

async function problems(job: Record<string, unknown>): Promise<string[]> {
  try {
    await Pipeline.fromJob(job as unknown as JobSpec);
  } catch (error) {
    if (error instanceof JobError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

const source = { type: 'synthetic', rows: 10 };

describe('the common stage keys', () => {
  it('are parsed into the planned stage policy with their defaults', async () => {
    const pipeline = await Pipeline.fromJob({
      source,
      transforms: [{ type: 'threshold_filter', column: 'value', op: 'gt', value: 1, retry: { attempts: 4 }, timeout: 250, circuit_breaker: { failure_threshold: 2 }, on_error: 'skip', ordered: false }],
    });
    expect(pipeline.plan.transforms[0]!.policy).toEqual({
      retry: { attempts: 4, initialDelayMs: 100, maxDelayMs: 10_000 },
      timeoutMs: 250,
      circuitBreaker: { failureThreshold: 2, halfOpenAfterMs: 30_000 },
      onError: 'skip',
      ordered: false,
      optional: false,
    });
    expect(pipeline.plan.source.policy).toEqual({ onError: 'fail', ordered: true, optional: false });
  });

  it('report every problem at once, each at its place, with did-you-mean for typos', async () => {
    const found = await problems({
      source,
      transforms: [
        { type: 'threshold_filter', column: 'value', op: 'gt', value: 1, retyr: { attempts: 2 } },
        { type: 'threshold_filter', column: 'value', op: 'gt', value: 1, retry: { attempts: 0, atempts: 3 }, timeout: -5 },
        { type: 'threshold_filter', column: 'value', op: 'gt', value: 1, on_error: 'ignore', optional: true },
        { type: 'threshold_filter', column: 'value', op: 'gt', value: 1, retry: { attempts: 2, initial_delay_ms: 500, max_delay_ms: 100 } },
      ],
      sink: { type: 'json_file', path: 'out.json' },
    });
    expect(found).toEqual(
      expect.arrayContaining([
        'transforms[0].retyr: unknown option "retyr" (did you mean "retry"?)',
        'transforms[1].retry.attempts: must be >= 1 (got 0)',
        'transforms[1].retry.atempts: unknown option "atempts" (did you mean "attempts"?)',
        'transforms[1].timeout: must be >= 1 (got -5)',
        'transforms[2].on_error: must be one of fail, skip, dead_letter (got "ignore")',
        'transforms[3].retry.max_delay_ms: max_delay_ms must be >= initial_delay_ms',
      ]),
    );
    expect(found.some((p) => p.startsWith('transforms[2].optional: only a sink can be optional'))).toBe(true);
  });

  it('say when a key does not apply to the stage: on_error: dead_letter without a dead_letter sink, retry on a whole-stream stage or sink, unit keys on a source', async () => {
    const found = await problems({
      source: { ...source, retry: { attempts: 2 } },
      transforms: [
        { type: 'threshold_filter', column: 'value', op: 'gt', value: 1, on_error: 'dead_letter' },
        { type: 'sort', by: [{ column: 'id' }], retry: { attempts: 3 } },
      ],
      sink: { type: 'json_file', path: 'out.json', retry: { attempts: 2 } },
    });
    expect(found.find((p) => p.startsWith('source.retry:'))).toMatch(/a source has no unit of work/);
    expect(found.find((p) => p.startsWith('transforms[0].on_error:'))).toMatch(/needs a job-level dead_letter: sink/);
    expect(found.find((p) => p.startsWith('transforms[1].retry:'))).toMatch(/"sort" works on its whole input at once/);
    expect(found.find((p) => p.startsWith('sink.retry:'))).toMatch(/"json_file" writes its whole stream in one consume\(\).*BatchSink/);
  });

  it('accept a dead_letter sink and check it is a sink', async () => {
    const ok = await Pipeline.fromJob({
      source,
      transforms: [{ type: 'threshold_filter', column: 'value', op: 'gt', value: 1, on_error: 'dead_letter' }],
      dead_letter: { type: 'json_file', path: 'rejected.ndjson', format: 'ndjson' },
    } as JobSpec);
    expect(ok.plan.deadLetter?.cls.type).toBe('json_file');
    expect(await problems({ source, dead_letter: { type: 'sort', by: [] } })).toEqual(['dead_letter.type: "sort" is a transform, not a sink']);
  });
});
