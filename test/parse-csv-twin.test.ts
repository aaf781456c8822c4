import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectTwins } from './parse-helpers.js';

type Kind = 'int' | 'float' | 'bool' | 'text';

const ints = fc.oneof(
  fc.integer().map(String),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
  fc.constantFrom('9223372036854775808', '-9223372036854775809', '2147483648', '-2147483649', '007', '+5', '-0', '99999999999999999999'),
);
const floats = fc.oneof(
  fc.double().map(String),
  fc.integer({ min: 0, max: 99_999 }).map((k) => String(k / 1000)),
  fc.constantFrom('-0', '.5', '5.', '1e5', '-1E-9', '1.7976931348623157e309', 'NaN', '+Infinity', '-Infinity', '2.2250738585072011e-308', '0.1e', 'inf'),
);
const bools = fc.constantFrom('true', 'FALSE', 'True', 'false', 'yes');
const texts = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom('a,b', 'say "hi"', 'x\r\ny', 'line\nbreak', 'cr\ronly', 'é', '日本', '"', 'cat_07', 'cat_07', ' 5'),
);
const valueOf: Record<Kind, fc.Arbitrary<string>> = { int: ints, float: floats, bool: bools, text: texts };
const declarable: Record<Kind, string[]> = {
  int: ['int64', 'int32', 'timestamp', 'float64', 'utf8'],
  float: ['float64', 'utf8'],
  bool: ['bool', 'utf8'],
  text: ['utf8'],
};

/** A cell: null (empty), a quoted empty string, or a value quoted when it must be or at random. */
const cell = (kind: Kind, delimiter: string) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constant('""') },
    {
      weight: 8,
      arbitrary: fc
        .tuple(valueOf[kind], fc.boolean())
        .map(([v, quote]) => (quote || /["\r\n]/.test(v) || v.includes(delimiter) ? `"${v.replaceAll('"', '""')}"` : v)),
    },
  );

const table = fc.tuple(fc.array(fc.constantFrom<Kind>('int', 'float', 'bool', 'text'), { minLength: 1, maxLength: 4 }), fc.constantFrom(',', ',', ';', '\t', '|')).chain(([kinds, delimiter]) =>
  fc.record({
    kinds: fc.constant(kinds),
    delimiter: fc.constant(delimiter),
    rows: fc.array(fc.tuple(fc.tuple(...kinds.map((kind) => cell(kind, delimiter))), fc.constantFrom('\n', '\r\n', '\r'), fc.boolean()), { maxLength: 40 }),
    declared: fc.tuple(...kinds.map((k) => fc.option(fc.constantFrom(...declarable[k]), { nil: undefined }))),
    header: fc.boolean(),
    bom: fc.boolean(),
    trailing: fc.boolean(),
    batchSize: fc.integer({ min: 1, max: 50 }),
    chunkSize: fc.integer({ min: 1, max: 80 }),
  }),
);

type Table = typeof table extends fc.Arbitrary<infer T> ? T : never;

function render(t: Table): { text: string; options: Record<string, unknown> } {
  const names = t.kinds.map((_, i) => `c${i}`);
  let text = t.bom ? '\uFEFF' : '';
  if (t.header) text += `${names.join(t.delimiter)}\n`;
  t.rows.forEach(([cells, eol, emptyLineAfter], i) => {
    text += cells.join(t.delimiter);
    if (i < t.rows.length - 1 || t.trailing) text += eol;
    if (emptyLineAfter && i < t.rows.length - 1) text += eol === '\r' ? '\n' : eol; // lone CR then LF would be one CRLF
  });
  const schema: Record<string, string> = {};
  t.declared.forEach((type, i) => {
    if (type !== undefined) schema[names[i]!] = type;
  });
  const complete = t.declared.every((type) => type !== undefined);
  // Without a header a declared schema must list every column, in order.
  const useSchema = t.header ? Object.keys(schema).length > 0 : complete;
  return { text, options: { header: t.header, delimiter: t.delimiter, batchSize: t.batchSize, chunkSize: t.chunkSize, ...(useSchema ? { schema } : {}) } };
}

describe('csv: the native parser and the TypeScript parser are twins', () => {
  it('give identical columns on random tables (delimiters, quoted, CRLF, lone CR, non-ASCII, empty and null fields)', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(table, async (t) => {
        const { text, options } = render(t);
        if ((await expectTwins(text, options)) !== 'plan failed') compared++;
      }),
      { numRuns: 150 },
    );
    expect(compared).toBeGreaterThan(100);
  });

  it('give identical errors on malformed input (stray quotes, missing fields, bad values, bad UTF-8)', async () => {
    const damage = fc.tuple(fc.nat(), fc.constantFrom('"', ',', ';', '\t', '\n', '\r', 'x', '""', '\xff', 'a"b'));
    let errors = 0;
    await fc.assert(
      fc.asyncProperty(table, fc.array(damage, { minLength: 1, maxLength: 3 }), async (t, hits) => {
        const { text, options } = render(t);
        let bytes = Buffer.from(text, 'utf8');
        for (const [at, what] of hits) {
          const p = at % (bytes.length + 1);
          const insert = what === '\xff' ? Buffer.from([0xff]) : Buffer.from(what);
          bytes = Buffer.concat([bytes.subarray(0, p), insert, bytes.subarray(p)]);
        }
        const result = await expectTwins(bytes, options);
        if (result !== 'plan failed' && result.some((entry) => 'error' in entry)) errors++;
      }),
      { numRuns: 150 },
    );
    expect(errors).toBeGreaterThan(20);
  });
});

describe('csv: native and TypeScript twins on a file of many windows and batches', () => {
  it('give identical batches with the default window and batch sizes (200,000 rows, ~7 MB)', async () => {
    const lines = ['id,ts,user_id,category,value,note'];
    for (let i = 0; i < 200_000; i++) {
      const note = i % 7 === 0 ? '' : i % 11 === 0 ? '"a, ""quoted"" note"' : `n${i % 300}`;
      lines.push(`${i},${1767225600000 + i * 997},${(i * 7919) % 100_000},cat_${String(i % 50).padStart(2, '0')},${(i % 100_000) / 1000},${note}`);
    }
    const result = await expectTwins(`${lines.join('\r\n')}\r\n`);
    expect(result).not.toBe('plan failed');
    expect((result as unknown[]).length).toBe(4); // 65,536 × 3 + the rest
  });
});
