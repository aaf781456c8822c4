import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { sluice } from './helpers/cli.js';

interface StageListing {
  type: string;
  kind: string;
  description: string;
}

const stages = JSON.parse(sluice(['stages', '--json']).stdout) as StageListing[];

/** A value of another JSON type than `schema` allows, or undefined when it allows anything. */
function wrongValueFor(schema: { type?: string | string[] }): unknown {
  const types = schema.type === undefined ? [] : [schema.type].flat();
  if (types.length === 0) return undefined;
  for (const candidate of [{ surprise: true }, 'not-this', 12345.5, [1, 2]]) {
    const kind = Array.isArray(candidate) ? 'array' : typeof candidate === 'object' ? 'object' : typeof candidate === 'string' ? 'string' : 'number';
    if (!types.includes(kind) && !(kind === 'number' && types.includes('integer'))) return candidate;
  }
  return undefined;
}

describe('sluice describe --json', () => {
  it('covers every registered stage type', () => {
    expect(stages.map((s) => s.type)).toEqual(expect.arrayContaining(['synthetic', 'csv', 'ndjson', 'threshold_filter', 'sort', 'limit', 'aggregate', 'json_file', 'csv_file']));
  });

  for (const { type } of stages) {
    it(`${type}: is valid JSON Schema that accepts the stage's example and rejects wrong options`, () => {
      const result = sluice(['describe', type, '--json']);
      expect(result.status).toBe(0);
      const schema = JSON.parse(result.stdout);
      expect(schema.title).toBe(type);
      expect(schema.examples, `${type} declares no static example`).toHaveLength(1);
      // strict: unknown keywords are schema errors, so this is a check of the schema itself.
      const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
      const validate = ajv.compile(schema);
      const example = schema.examples[0] as Record<string, unknown>;
      expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
      expect(validate({ ...example, not_an_option: 1 })).toBe(false);
      let wrongTypes = 0;
      for (const key of Object.keys(example)) {
        const wrong = wrongValueFor(schema.properties[key]);
        if (wrong === undefined) continue;
        wrongTypes++;
        expect(validate({ ...example, [key]: wrong }), `${type}.${key} accepted ${JSON.stringify(wrong)}`).toBe(false);
      }
      expect(wrongTypes).toBeGreaterThan(0);
    });
  }
});
