import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsKernels, selectKernels } from '../src/kernels/index.js';
import { CsvSource } from '../src/stages/sources/csv.js';
import { fileWith } from './csv-helpers.js';
import { readBothWays } from './csv-split-helpers.js';

type Kind = 'int' | 'float' | 'text';

const texts = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.constantFrom('a,b', 'say "hi"', 'x\r\ny', 'line\nbreak', 'cr\ronly', '\n\n', '1,2\n3,4', '"\n"', 'é', '日本', '"', ';', '\t', '|'),
);
const valueOf: Record<Kind, fc.Arbitrary<string>> = {
  int: fc.integer({ min: -1000, max: 1000 }).map(String),
  float: fc.integer({ min: 0, max: 99_999 }).map((k) => String(k / 1000)),
  text: texts,
};

const cell = (kind: Kind, delimiter: string) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constant('""') },
    {
      weight: 8,
      arbitrary: fc.tuple(valueOf[kind], fc.boolean()).map(([v, quote]) => (quote || /["\r\n]/.test(v) || v.includes(delimiter) ? `"${v.replaceAll('"', '""')}"` : v)),
    },
  );

const table = fc.tuple(fc.array(fc.constantFrom<Kind>('int', 'float', 'text', 'text'), { minLength: 1, maxLength: 3 }), fc.constantFrom(',', ';', '\t', '|')).chain(([kinds, delimiter]) =>
  fc.record({
    kinds: fc.constant(kinds),
    delimiter: fc.constant(delimiter),
    rows: fc.array(fc.tuple(fc.tuple(...kinds.map((kind) => cell(kind, delimiter))), fc.constantFrom('\n', '\r\n', '\r'), fc.nat({ max: 2 })), { maxLength: 30 }),
    header: fc.boolean(),
    bom: fc.boolean(),
    trailing: fc.boolean(),
    batchSize: fc.integer({ min: 1, max: 20 }),
    chunkSize: fc.integer({ min: 1, max: 64 }),
    splitBytes: fc.integer({ min: 1, max: 24 }),
  }),
);

type Table = typeof table extends fc.Arbitrary<infer T> ? T : never;

function render(t: Table): string {
  let text = t.bom ? '\uFEFF' : '';
  if (t.header) text += `${t.kinds.map((_, i) => `c${i}`).join(t.delimiter)}\n`;
  t.rows.forEach(([cells, eol, emptyLines], i) => {
    text += cells.join(t.delimiter);
    if (i < t.rows.length - 1 || t.trailing) text += eol;
    // A lone CR and then a LF would be one CRLF: empty lines after a lone CR are lone CRs too.
    if (i < t.rows.length - 1) text += eol.repeat(emptyLines);
  });
  return text;
}

const kernelsOf = { js: jsKernels, native: selectKernels('native') };

async function compare(t: Table, bytes: string | Uint8Array, kernels: keyof typeof kernelsOf): Promise<{ splits: number; wrong: number; error: boolean; planned: boolean }> {
  const dir = await fileWith(bytes);
  const make = () => {
    const source = new CsvSource(CsvSource.options.parse({ path: 'data.csv', header: t.header, delimiter: t.delimiter }));
    source.chunkSize = t.chunkSize;
    source.splitBytes = t.splitBytes;
    return source;
  };
  let both;
  try {
    both = await readBothWays(make, dir, { batchSize: t.batchSize, kernels: kernelsOf[kernels] });
  } catch (error) {
    if ((error as Error).message.startsWith('problems:')) return { splits: 0, wrong: 0, error: false, planned: false };
    throw error;
  }
  expect(both.splits).toEqual(both.stream);
  const read = both.read;
  return { splits: read?.splits ?? 0, wrong: read?.wrongGuesses ?? 0, error: 'error' in both.stream, planned: true };
}

describe('csv splits: reading every split, verified, gives exactly what stream() gives', () => {
  for (const kernels of ['js', 'native'] as const) {
    it(`on random CSV (quoted line breaks, delimiters, "", CRLF, lone CR, non-ASCII, empty lines), ${kernels} parser`, async () => {
      let manySplits = 0;
      let wrong = 0;
      await fc.assert(
        fc.asyncProperty(table, async (t) => {
          const r = await compare(t, render(t), kernels);
          if (r.splits >= 5) manySplits++;
          wrong += r.wrong;
        }),
        { numRuns: 120 },
      );
      expect(manySplits).toBeGreaterThan(50);
      expect(wrong).toBeGreaterThan(0); // some guesses landed inside quotes and were corrected
    }, 180_000);

    it(`on random damaged CSV the same rows or the same error (file:line:field), ${kernels} parser`, async () => {
      const damage = fc.tuple(fc.nat(), fc.constantFrom('"', ',', '\n', '\r', 'x', '""', '\xff', 'a"b'));
      let errors = 0;
      await fc.assert(
        fc.asyncProperty(table, fc.array(damage, { minLength: 1, maxLength: 3 }), async (t, hits) => {
          let bytes = Buffer.from(render(t), 'utf8');
          for (const [at, what] of hits) {
            const p = at % (bytes.length + 1);
            const insert = what === '\xff' ? Buffer.from([0xff]) : Buffer.from(what);
            bytes = Buffer.concat([bytes.subarray(0, p), insert, bytes.subarray(p)]);
          }
          if ((await compare(t, bytes, kernels)).error) errors++;
        }),
        { numRuns: 150 },
      );
      expect(errors).toBeGreaterThan(10);
    }, 180_000);
  }
});
