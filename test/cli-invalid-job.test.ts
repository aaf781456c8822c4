import { describe, expect, it } from 'vitest';
import { sluice } from './helpers/cli.js';

const job = 'test/fixtures/jobs/many-problems.yaml';

describe('an invalid job', () => {
  for (const command of ['validate', 'run']) {
    it(`is rejected by ${command} with every problem, each with its place, and exit code 2`, () => {
      const result = sluice([command, job]);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      const lines = result.stderr;
      expect(lines).toContain('5 problems');
      const problems = lines.split('\n').slice(1, 6);
      expect(problems).toEqual([
        `  ${job}:1:1: thread: unknown option "thread" (did you mean "threads"?)`,
        `  ${job}:6:31: transforms[0].column: no column "valeu" in the input (did you mean "value"?) (columns: id, ts, user_id, category, value)`,
        `  ${job}:7:46: transforms[1].op: must be one of gt, gte, lt, lte, eq, ne (got "gtt")`,
        `  ${job}:8:7: transforms[2].type: unknown stage type "threshhold_filter" (did you mean "threshold_filter"?)`,
        `  ${job}:9:42: sink.fromat: unknown option "fromat" (did you mean "format"?)`,
      ]);
    });
  }

  it('that is not YAML names the line', () => {
    const result = sluice(['validate', 'test/fixtures/jobs/not-yaml.yaml']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/not-yaml\.yaml:2:\d+: not valid YAML or JSON/);
  });

  it('that does not exist says so', () => {
    const result = sluice(['run', 'test/fixtures/jobs/nope.yaml']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('nope.yaml: cannot read the job file: no such file');
  });

  it('with a stage of the wrong kind says which kind it is', () => {
    const result = sluice(['validate', 'test/fixtures/jobs/wrong-kind.yaml']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('transforms[0].type: "json_file" is a sink, not a transform');
  });
});

describe('a job file with a syntax error', () => {
  it('reports the first error only, with a hint for an unquoted ${NAME} in a flow map', () => {
    const result = sluice(['validate', 'test/fixtures/jobs/unquoted-variable.yaml'], { env: { ROWS: '10' } });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('1 problem');
    expect(result.stderr).toContain('must be quoted: "${NAME}"');
  });
});
