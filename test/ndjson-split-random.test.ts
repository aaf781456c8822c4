import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsKernels, selectKernels } from '../src/kernels/index.js';
import { NdjsonSource } from '../src/stages/sources/ndjson.js';
import { fileWith } from './csv-helpers.js';
import { readBothWays } from './csv-split-helpers.js';

const value = fc.oneof(
  fc.constant(null),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.constantFrom('line\nbreak', 'cr\r', '{"a":1}\n', '\u2028', 'é', '日本', '"', '\\'),
);

const file = fc.record({
  lines: fc.array(fc.tuple(fc.dictionary(fc.constantFrom('a', 'b', 'c', 'é'), value, { maxKeys: 4 }), fc.constantFrom('\n', '\r\n'), fc.nat({ max: 2 }), fc.boolean()), { maxLength: 30 }),
  bom: fc.boolean(),
  trailing: fc.boolean(),
  declared: fc.boolean(),
  batchSize: fc.integer({ min: 1, max: 20 }),
  chunkSize: fc.integer({ min: 1, max: 64 }),
  splitBytes: fc.integer({ min: 1, max: 24 }),
});

type File = typeof file extends fc.Arbitrary<infer T> ? T : never;

function render(f: File): string {
  let text = f.bom ? '\uFEFF' : '';
  f.lines.forEach(([object, eol, blank, spaced], i) => {
    text += spaced ? JSON.stringify(object, null, ' ').replaceAll('\n', ' ') : JSON.stringify(object);
    if (i < f.lines.length - 1 || f.trailing) text += eol;
    if (i < f.lines.length - 1) text += ' \n'.repeat(blank);
  });
  return text;
}

const kernelsOf = { js: jsKernels, native: selectKernels('native') };

async function compare(f: File, bytes: string | Uint8Array, kernels: keyof typeof kernelsOf) {
  const dir = await fileWith(bytes, 'in.ndjson');
  const make = () => {
    const source = new NdjsonSource(NdjsonSource.options.parse({ path: 'in.ndjson', ...(f.declared ? { schema: { a: 'float64', b: 'utf8', é: 'utf8' } } : {}) }));
    source.chunkSize = f.chunkSize;
    source.splitBytes = f.splitBytes;
    return source;
  };
  let both;
  try {
    both = await readBothWays(make, dir, { batchSize: f.batchSize, kernels: kernelsOf[kernels] });
  } catch (error) {
    if ((error as Error).message.startsWith('problems:')) return { splits: 0, error: false };
    throw error;
  }
  expect(both.splits).toEqual(both.stream);
  if (both.read !== undefined) expect(both.read.wrongGuesses + both.read.failedGuesses).toBe(0); // line starts are known from the bytes
  return { splits: both.read?.splits ?? 0, error: 'error' in both.stream };
}

describe('ndjson splits: reading every split gives exactly what stream() gives', () => {
  for (const kernels of ['js', 'native'] as const) {
    it(`on random NDJSON (escaped line breaks, CRLF, blank lines, non-ASCII, byte order mark), ${kernels} parser`, async () => {
      let manySplits = 0;
      await fc.assert(
        fc.asyncProperty(file, async (f) => {
          if ((await compare(f, render(f), kernels)).splits >= 5) manySplits++;
        }),
        { numRuns: 120 },
      );
      expect(manySplits).toBeGreaterThan(40);
    }, 180_000);

    it(`on damaged NDJSON the same rows or the same error (file:line:column), ${kernels} parser`, async () => {
      // Damage between characters, never inside one: both readers check a whole window of lines
      // for UTF-8 before parsing any, so stream() itself reports a bad byte before a syntax error
      // on an earlier line of the same window, which depends on the chunk size (UTF-8 errors:
      // ndjson-split-edges).
      const damage = fc.tuple(fc.nat(), fc.constantFrom('"', ',', '\n', '}', 'x', '1'));
      let errors = 0;
      await fc.assert(
        fc.asyncProperty(file, fc.array(damage, { minLength: 1, maxLength: 3 }), async (f, hits) => {
          let text = render(f);
          for (const [at, what] of hits) {
            const p = at % (text.length + 1);
            text = text.slice(0, p) + what + text.slice(p);
          }
          if ((await compare(f, Buffer.from(text, 'utf8'), kernels)).error) errors++;
        }),
        { numRuns: 120 },
      );
      expect(errors).toBeGreaterThan(20);
    }, 180_000);
  }
});
