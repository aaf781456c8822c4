import { expect, it } from 'vitest';
import { lookupStage, schema, type StageClass } from '../src/index.js';
import { checkSourceCompliance, checkTransformCompliance } from '../src/testing/harness.js';
import { BadDefinition } from './fixtures/broken-stages/bad-definition.js';

const input = schema({ v: 'float64' });

it('a class with an empty description, an invalid example and non-strict options fails "definition" and "unknown options rejected"', async () => {
  const results = await checkTransformCompliance(BadDefinition, { options: { factor: 2 }, input, rows: [{ v: 1 }, { v: null }] });
  expect(results.filter((r) => !r.ok)).toEqual([
    {
      check: 'definition',
      ok: false,
      message: 'static description must be a non-empty line; static example does not parse with the options schema: options.factor: Invalid input: expected number, received string',
    },
    { check: 'unknown options rejected', ok: false, message: 'options with an unknown key "not_an_option_of_this_stage" parsed; declare the options with z.strictObject' },
  ]);
});

it('a class of another kind fails "definition" and is not run', async () => {
  const thresholdFilter = (lookupStage('threshold_filter') as { found: StageClass }).found;
  const results = await checkSourceCompliance(thresholdFilter, { empty: {}, oneRow: {}, manyBatches: {} });
  expect(results).toEqual([{ check: 'definition', ok: false, message: 'static kind is "transform", expected "source" (extend the source base class from sluice)' }]);
});
