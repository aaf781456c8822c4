/**
 * Options validation messages, one shape for the whole job: `place: must be ... (got ...)`.
 * Turns schema issues (zod) into job problems placed in the job file.
 */
import type { z } from 'zod';
import { didYouMean } from '../registry/suggest.js';
import type { Problem } from './errors.js';
import { formatPath, type JobPath, type LoadedJob } from './job.js';

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}`;
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a map';
  return String(value);
}

const ARTICLE: Record<string, string> = { object: 'a map', array: 'a list', int: 'an integer', number: 'a number', string: 'a string', boolean: 'true or false' };

function issueMessage(issue: z.core.$ZodIssue & { input?: unknown }): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${ARTICLE[issue.expected] ?? issue.expected} (got ${describeValue(issue.input)})`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${describeValue(issue.values[0])} (got ${describeValue(issue.input)})`
        : `must be one of ${issue.values.map(String).join(', ')} (got ${describeValue(issue.input)})`;
    case 'too_small':
      return issue.origin === 'array' || issue.origin === 'string'
        ? `must have at least ${issue.minimum} ${issue.origin === 'array' ? 'items' : 'characters'}`
        : `must be ${issue.inclusive ? '>=' : '>'} ${issue.minimum} (got ${describeValue(issue.input)})`;
    case 'too_big':
      return issue.origin === 'array' || issue.origin === 'string'
        ? `must have at most ${issue.maximum} ${issue.origin === 'array' ? 'items' : 'characters'}`
        : `must be ${issue.inclusive ? '<=' : '<'} ${issue.maximum} (got ${describeValue(issue.input)})`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor} (got ${describeValue(issue.input)})`;
    default:
      return issue.message;
  }
}

/** Known keys of an object schema, for did-you-mean on unknown options. */
export function optionNames(schema: z.ZodType): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

/** Validates `value` against `schema`; problems are placed under `base` in `job`. */
export function validateOptions<T>(schema: z.ZodType<T>, value: unknown, base: JobPath, job: LoadedJob, alsoKnown: readonly string[] = []): { value: T } | { problems: Problem[] } {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return { value: result.data };
  const problems = result.error.issues.flatMap((issue): Problem[] => {
    if (issue.code === 'unrecognized_keys') {
      const parent = [...base, ...(issue.path as (string | number)[])];
      // Nested keys (retry.atempts) are suggested from their own map; top-level ones also from the common keys.
      const known = issue.path.length === 0 ? [...optionNames(schema), ...alsoKnown] : optionNames(schema);
      return issue.keys.map((key) => place(job, [...parent, key], `unknown option "${key}"${didYouMean(key, known)}`));
    }
    return [place(job, [...base, ...(issue.path as (string | number)[])], issueMessage(issue))];
  });
  return { problems };
}

export function place(job: LoadedJob, path: JobPath, message: string): Problem {
  return { path: formatPath(path), message, ...job.locate(path) };
}
