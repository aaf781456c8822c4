/**
 * The options every stage accepts beside its `type` (ARCHITECTURE.md): `retry`, `timeout`,
 * `circuit_breaker`, `on_error`, `ordered`, `optional`. The planner peels them off a stage's spec
 * before the stage's own strict options schema sees the rest, checks them here, and puts the
 * parsed {@link StagePolicy} on the planned stage. Times are milliseconds, always.
 */
import { z } from 'zod';
import { DEFAULT_POLICY, type StagePolicy } from '../outcome.js';

const ms = (what: string) => z.number().int().min(1).max(86_400_000).describe(what);

export const retrySchema = z
  .strictObject({
    attempts: z.number().int().min(1).max(1000).describe('total attempts of one unit (one batch through the stage), the first included'),
    initial_delay_ms: ms('first backoff delay, ms (later delays grow exponentially, with decorrelated jitter)').default(100),
    max_delay_ms: ms('upper bound of any one backoff delay, ms').default(10_000),
  })
  .refine((r) => r.max_delay_ms >= r.initial_delay_ms, { message: 'max_delay_ms must be >= initial_delay_ms', path: ['max_delay_ms'] });

export const circuitBreakerSchema = z.strictObject({
  failure_threshold: z.number().int().min(1).max(1_000_000).describe('consecutive failed attempts that open the breaker').default(5),
  half_open_after_ms: ms('how long the breaker stays open before one probe is let through, ms').default(30_000),
});

/** Each common key's schema, for validation, `sluice describe` and did-you-mean. */
export const POLICY_KEYS = {
  retry: retrySchema.describe('retry a failed unit: { attempts, initial_delay_ms, max_delay_ms }'),
  timeout: ms('limit of one attempt of one unit, ms'),
  circuit_breaker: circuitBreakerSchema.describe('stop calling a failing stage: { failure_threshold, half_open_after_ms }'),
  on_error: z.enum(['fail', 'skip', 'dead_letter']).describe('a unit that still fails: fail the run, skip its rows, or send its failing records to the job\'s dead_letter sink').default('fail'),
  ordered: z.boolean().describe('false lets a parallel stage hand batches on in completion order').default(true),
  optional: z.boolean().describe('sinks only: a failure leaves the run successful but degraded (exit code 4)').default(false),
} as const;

export type PolicyKey = keyof typeof POLICY_KEYS;
export const POLICY_KEY_NAMES = Object.keys(POLICY_KEYS) as PolicyKey[];

/** All common keys as one object schema (what `sluice describe` shows). */
export const policyOptionsSchema = z.strictObject(POLICY_KEYS).partial();

/** Splits a stage spec into its common keys and the stage's own options. */
export function peelPolicyKeys(spec: Record<string, unknown>): { common: Partial<Record<PolicyKey, unknown>>; own: Record<string, unknown> } {
  const common: Partial<Record<PolicyKey, unknown>> = {};
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    if ((POLICY_KEY_NAMES as string[]).includes(key)) common[key as PolicyKey] = value;
    else own[key] = value;
  }
  return { common, own };
}

/** Parsed job-file keys (snake_case) as the plain-data policy (camelCase). */
export function toStagePolicy(parsed: {
  retry?: z.output<typeof retrySchema>;
  timeout?: number;
  circuit_breaker?: z.output<typeof circuitBreakerSchema>;
  on_error?: StagePolicy['onError'];
  ordered?: boolean;
  optional?: boolean;
}): StagePolicy {
  return {
    ...(parsed.retry === undefined ? {} : { retry: { attempts: parsed.retry.attempts, initialDelayMs: parsed.retry.initial_delay_ms, maxDelayMs: parsed.retry.max_delay_ms } }),
    ...(parsed.timeout === undefined ? {} : { timeoutMs: parsed.timeout }),
    ...(parsed.circuit_breaker === undefined
      ? {}
      : { circuitBreaker: { failureThreshold: parsed.circuit_breaker.failure_threshold, halfOpenAfterMs: parsed.circuit_breaker.half_open_after_ms } }),
    onError: parsed.on_error ?? DEFAULT_POLICY.onError,
    ordered: parsed.ordered ?? DEFAULT_POLICY.ordered,
    optional: parsed.optional ?? DEFAULT_POLICY.optional,
  };
}

/** Whether a unit of this stage needs the resilience wrapper at all (else the runtime keeps its fast path). */
export function needsPolicy(policy: StagePolicy): boolean {
  return policy.retry !== undefined || policy.timeoutMs !== undefined || policy.circuitBreaker !== undefined || policy.onError !== 'fail';
}
