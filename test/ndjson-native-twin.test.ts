import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectNdjsonTwins, type Outcome } from './helpers/ndjson-twins.js';

type Kind = 'int' | 'float' | 'bool' | 'text' | 'nested';

/** JSON text of string `s`, with every non-ASCII or special unit \u-escaped when `escapeAll`. */
function jsonString(s: string, escapeAll: boolean): string {
  if (!escapeAll) return JSON.stringify(s);
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c < 32 || c > 126 || c === 34 || c === 92 ? `\\u${c.toString(16).padStart(4, '0')}` : s[i];
  }
  return `${out}"`;
}

const strings = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom('cat_07', 'cat_07', 'é', '日本', '😀', 'a\nb', 'say "hi"', 'back\\slash', 'tab\there', '\u0001', 'NaN', 'Infinity', '-Infinity', ''),
);
const text = fc.tuple(strings, fc.boolean()).map(([s, escapeAll]) => jsonString(s, escapeAll));
const ints = fc.oneof(
  fc.integer().map(String),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
  fc.constantFrom('0', '-0', '9007199254740993', '-9223372036854775808', '9223372036854775807', '9223372036854775808', '2147483648', '-2147483649', '1.0', '1e3', '12.5', '-0.0', '9007199254740993.0', '1e400'),
);
const floats = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? '-0' : String(d))),
  fc.integer({ min: 0, max: 99_999 }).map((k) => String(k / 1000)),
  fc.constantFrom('"NaN"', '"Infinity"', '"-Infinity"', '"\\u004eaN"', '-0', '0.1', '5e-324', '2.2250738585072011e-308', '1.7976931348623157e309', '123456789012345678901234567890', '1E-7', '-1.5e+3'),
);
const nested = fc.constantFrom('{}', '[]', '{"a":[1,{"b":null}],"c":"x"}', '[1, "two", [3, true], {"k": -1.5e3}]', '{ "deep" : [ [ [ ] ] ] }');
const valueOf: Record<Kind, fc.Arbitrary<string>> = { int: ints, float: floats, bool: fc.constantFrom('true', 'false'), text, nested };
const declarable: Record<Kind, string[]> = {
  int: ['int64', 'int32', 'timestamp', 'float64', 'utf8'],
  float: ['float64', 'utf8'],
  bool: ['bool', 'utf8'],
  text: ['utf8'],
  nested: ['utf8'],
};
const NAMES = ['id', 'value', 'naïve', 'k"q', 'emoji😀', 'x'];
const ws = fc.constantFrom('', '', '', ' ', '\t', ' \r ');

/** A line that is not valid NDJSON (or not valid for most schemas). */
const badLines = fc.constantFrom(
  '{"id":1,}',
  '[1,2]',
  '42',
  '"str"',
  'null',
  'nul',
  '{"id" 1}',
  '{"id":01}',
  '{"id":"\\x"}',
  '{"id":"\\u12G4"}',
  '{"id":tru}',
  '{"id":1} x',
  '{"id":"unterminated',
  '{"id":1,"id":2}',
  '{"id":-}',
  '{"id":1.}',
  '{"id":1e}',
  '{"other":[1,}',
  '{"other":{"b" 1}}',
  '{"other":[1 2]}',
  'x',
  '{"id":"tab\there"}',
  '{"id":"😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀"}',
  '{"id":{"a":1}}',
  '{"id":[1]}',
  '{"id":true}',
  '{"id":"abc"}',
  '{"id":1.5}',
  '{"unknown😀":1}',
  '{"id":"\\😀"}',
  '{😀}',
  '{"id":1}}',
  '{',
  '{"id":',
);

const file = fc
  .array(fc.constantFrom<Kind>('int', 'float', 'bool', 'text', 'nested'), { minLength: 1, maxLength: 4 })
  .chain((kinds) =>
    fc.record({
      kinds: fc.constant(kinds),
      declared: fc.option(fc.tuple(...kinds.map((k) => fc.constantFrom(...declarable[k]))), { nil: undefined }),
      rows: fc.array(
        fc.record({
          // Per column: absent, null, or a value (now and then of another kind).
          cells: fc.tuple(
            ...kinds.map((k) =>
              fc.oneof(
                { weight: 1, arbitrary: fc.constant<string | undefined>(undefined) },
                { weight: 1, arbitrary: fc.constant<string | undefined>('null') },
                { weight: 40, arbitrary: valueOf[k] },
                { weight: 1, arbitrary: fc.constantFrom<Kind>('int', 'float', 'bool', 'text', 'nested').chain((other) => valueOf[other]) },
              ),
            ),
          ),
          extra: fc.option(fc.tuple(fc.constantFrom('extra', 'more', 'z'), fc.oneof(nested, text, ints)), { nil: undefined, freq: 3 }),
          shuffle: fc.boolean(),
          escapeKeys: fc.boolean(),
          space: ws,
          eol: fc.constantFrom('\n', '\n', '\r\n'),
          blankAfter: fc.constantFrom('', '', '', '\n', '  \r\n'),
          bad: fc.oneof({ weight: 40, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: badLines }),
        }),
        { maxLength: 30 },
      ),
      bom: fc.boolean(),
      trailing: fc.boolean(),
      batchSize: fc.integer({ min: 1, max: 40 }),
      chunkSize: fc.integer({ min: 1, max: 120 }),
    }),
  );

type File = typeof file extends fc.Arbitrary<infer T> ? T : never;

function render(f: File): string {
  const names = f.kinds.map((_, i) => NAMES[i]!);
  let out = f.bom ? '\uFEFF' : '';
  f.rows.forEach((r, i) => {
    let line: string;
    if (r.bad !== undefined) line = r.bad.replaceAll('"id"', JSON.stringify(names[0]));
    else {
      const members: string[] = [];
      r.cells.forEach((cell, c) => {
        if (cell !== undefined) members.push(`${jsonString(names[c]!, r.escapeKeys)}${r.space}:${r.space}${cell}`);
      });
      if (r.extra !== undefined) members.push(`"${r.extra[0]}":${r.extra[1]}`);
      if (r.shuffle) members.reverse();
      line = `${r.space}{${r.space}${members.join(`,${r.space}`)}${r.space}}${r.space}`;
    }
    out += line;
    if (i < f.rows.length - 1 || f.trailing) out += r.eol + r.blankAfter;
  });
  return out;
}

function schemaOf(f: File): Record<string, string> | undefined {
  if (f.declared === undefined) return undefined;
  return Object.fromEntries(f.declared.map((type, i) => [NAMES[i]!, type]));
}

describe('ndjson: the native parser and the TypeScript parser are twins', () => {
  it('give identical batches and errors on random files (nulls, missing, extra and nested keys, escapes, non-ASCII, big int64, -0, NaN, CRLF, BOM, invalid lines)', async () => {
    const seen = { rows: 0, errors: 0, planProblems: 0 };
    await fc.assert(
      fc.asyncProperty(file, async (f) => {
        const result: Outcome = await expectNdjsonTwins(render(f), { schema: schemaOf(f), batchSize: f.batchSize, chunkSize: f.chunkSize });
        if (!Array.isArray(result)) seen.planProblems++;
        else
          for (const part of result) {
            if ('error' in part) seen.errors++;
            else seen.rows += part.rows;
          }
      }),
      { numRuns: 250 },
    );
    // The comparison must have covered both data and errors, not only plan failures.
    expect(seen.rows).toBeGreaterThan(500);
    expect(seen.errors).toBeGreaterThan(20);
  });

  it('report invalid UTF-8 at the same line and column, wherever the chunks fall', async () => {
    const bytes = (parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
    const cases = [
      bytes(['{"a":"é"}\n{"a":"x', [0xff], '"}\n']),
      bytes(['{"a":1}\n\n{"a":"😀', [0xe2, 0x82], 'z"}\n']),
      bytes(['{"a":"ok"}\n{"a":"', [0xed, 0xa0, 0x80], '"}']),
      bytes([[0xef, 0xbb, 0xbf], '{"a":"b"}\n{"a":1} oops\n{"a":"', [0xc0, 0xaf], '"}\n']),
    ];
    for (const content of cases) {
      for (const chunkSize of [1, 3, 7, 1 << 20]) {
        const out = await expectNdjsonTwins(content, { chunkSize, schema: { a: 'utf8' } });
        expect(Array.isArray(out) && out.some((part) => 'error' in part)).toBe(true);
      }
    }
  });

  it('read the canonical events shape identically, with repeated strings dictionary-encoded', async () => {
    let text = '';
    for (let i = 0; i < 5000; i++) text += `{"id":${i},"ts":${1767225600000 + i * 7},"user_id":${(i * 7919) % 100_000},"category":"cat_${i % 50}","value":${((i * 37) % 100_000) / 1000}}\n`;
    const out = await expectNdjsonTwins(text, { batchSize: 1024 });
    expect(Array.isArray(out) && out.length).toBe(5);
  });
});
