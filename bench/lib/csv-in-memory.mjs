// The in-memory CSV parse shared by bench/parsers.mjs and profiles/csv-alloc/: the canonical file's
// bytes already in one buffer, read through one build's csv record driver and batch parsers (its
// tsc modules under `dist`), every column kept, so that reading the file is left out.
import { readFileSync } from 'node:fs';

const TYPES = { id: 'int64', ts: 'int64', user_id: 'int32', category: 'utf8', value: 'float64' };
const BATCH_SIZE = 65_536;

/** The bytes of `file` and its header's column names (the canonical table's shape). */
export function csvBytes(file) {
  const bytes = readFileSync(file);
  const bodyStart = bytes.indexOf(10) + 1;
  return { file, bytes, bodyStart, names: bytes.subarray(0, bodyStart - 1).toString().split(',') };
}

/**
 * Parsers of one build (`dist`: a file URL of its tsc output) over `data` (from csvBytes):
 * `parse(kind)` reads every record with a fresh native or TypeScript batch parser and resolves
 * to the row count.
 */
export async function inMemoryParsers(dist, data) {
  const { CsvInput } = await import(`${dist}/stages/sources/csv/input.js`);
  const { NativeBatchParser, TokenBatchParser, readRecords } = await import(`${dist}/stages/sources/csv/records.js`);
  const { nativeCsvParser } = await import(`${dist}/kernels/parse-csv.js`);
  const { Schema } = await import(`${dist}/batch/schema.js`);
  const { bytes, bodyStart, names, file } = data;
  const schema = new Schema(names.map((name) => ({ name, type: TYPES[name], nullable: true })));
  const wording = { path: file, declared: () => true, sampleRows: 0 };
  const kept = names.map((_, i) => i);
  const make = {
    native: () => new NativeBatchParser(nativeCsvParser('native'), schema, kept, 44, wording, BATCH_SIZE),
    js: () => new TokenBatchParser(schema, kept, 44, wording, BATCH_SIZE),
  };
  return {
    async parse(kind) {
      const input = new CsvInput({ handle: { read: async () => ({ bytesRead: 0 }) } }, 1 << 20, undefined, () => undefined);
      input.buf = bytes;
      input.pos = bodyStart;
      input.end = bytes.length;
      input.eof = true;
      let count = 0;
      for await (const batch of readRecords(input, make[kind](), names.length, BATCH_SIZE, Infinity, new AbortController().signal)) count += batch.numRows;
      return count;
    },
  };
}
