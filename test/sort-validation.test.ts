import { describe, expect, it } from 'vitest';
import { JobError, Pipeline } from '../src/index.js';

async function problems(sort: Record<string, unknown>): Promise<string[]> {
  try {
    await Pipeline.fromJob({ source: { type: 'synthetic', rows: 10 }, transforms: [{ type: 'sort', ...sort }] });
  } catch (error) {
    if (error instanceof JobError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('sort: options are checked before any data flows', () => {
  it('accepts keys with and without desc', async () => {
    expect(await problems({ by: [{ column: 'category' }, { column: 'value', desc: true }] })).toEqual([]);
  });

  it('names a missing column with its place', async () => {
    const found = await problems({ by: [{ column: 'category' }, { column: 'valeu' }] });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^transforms\[0\]\.by\[1\]\.column: no column "valeu"/);
  });

  it('needs at least one key', async () => {
    expect(await problems({ by: [] })).toEqual(['transforms[0].by: must have at least 1 items']);
  });
});
