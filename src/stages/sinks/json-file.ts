/**
 * `json_file`: writes rows as one JSON array (`format: json`) or one object per line
 * (`format: ndjson`). int64 values are written as plain integer digits, never rounded through a
 * double; timestamps as integer epoch milliseconds; NaN and ±Infinity, which JSON cannot hold, as
 * the strings "NaN", "Infinity" and "-Infinity" (the ndjson source reads them back into float64).
 * The file appears at `path` only when complete.
 */
import { z } from 'zod';
import { dictionaryStrings, utf8At, type Column } from '../../batch/column.js';
import type { RecordBatch } from '../../batch/record-batch.js';
import { AtomicFile } from '../../flow/files.js';
import { registerStage, Sink, type StageContext } from '../../registry/index.js';

const options = z.strictObject({
  path: z.string().min(1).describe('Output file (relative to the job file); written atomically'),
  format: z.enum(['json', 'ndjson']).default('json').describe('json: one array of row objects; ndjson: one object per line'),
});

export class JsonFileSink extends Sink<z.infer<typeof options>> {
  static readonly type = 'json_file';
  static readonly description = 'Writes rows to a JSON array or NDJSON file, atomically';
  static readonly options = options;
  static readonly example = { path: 'out/summary.json', format: 'json' };
  static {
    registerStage(this);
  }

  async consume(input: AsyncIterable<RecordBatch>, ctx: StageContext): Promise<void> {
    const ndjson = this.options.format === 'ndjson';
    const path = ctx.resolvePath(this.options.path);
    await using file = await AtomicFile.create(path);
    const keys = ctx.schema.fields.map((f, i) => `${i === 0 ? '{' : ','}${JSON.stringify(f.name)}:`);
    let rows = 0;
    if (!ndjson) await file.write('[');
    for await (const batch of input) {
      if (batch.numRows === 0) continue;
      const objects = encodeRows(batch, keys);
      await file.write(ndjson ? objects.join('\n') + '\n' : (rows === 0 ? '\n' : ',\n') + objects.join(',\n'));
      rows += batch.numRows;
    }
    if (!ndjson) await file.write(rows > 0 ? '\n]\n' : ']\n');
    await file.commit();
    ctx.reportOutput(path);
  }
}

type Encode = (row: number) => string;

/** One JSON object per row; `keys[c]` is the column's `"name":` with the opening brace or comma. */
function encodeRows(batch: RecordBatch, keys: readonly string[]): string[] {
  const encoders = batch.columns.map(encoderFor);
  const objects: string[] = new Array(batch.numRows);
  for (let r = 0; r < batch.numRows; r++) {
    let object = keys.length === 0 ? '{' : '';
    for (let c = 0; c < keys.length; c++) object += keys[c]! + encoders[c]!(r);
    objects[r] = object + '}';
  }
  return objects;
}

function number(value: number): string {
  return Number.isFinite(value) ? String(value) : `"${value}"`;
}

function encoderFor(column: Column): Encode {
  const valid = column.validity;
  const guard = (encode: Encode): Encode => (valid === null ? encode : (r) => ((valid[r >>> 3]! >>> (r & 7)) & 1 ? encode(r) : 'null'));
  switch (column.layout) {
    case 'float64': {
      const v = column.values;
      return guard((r) => number(v[r]!));
    }
    case 'int32': {
      const v = column.values;
      return guard((r) => String(v[r]!));
    }
    case 'int64':
    case 'timestamp': {
      const v = column.values;
      return guard((r) => v[r]!.toString());
    }
    case 'bool': {
      const v = column.values;
      return guard((r) => (v[r] ? 'true' : 'false'));
    }
    case 'dictionary': {
      const quoted = dictionaryStrings(column.dictionary).map((s) => JSON.stringify(s));
      const codes = column.codes;
      return guard((r) => quoted[codes[r]!]!);
    }
    case 'utf8':
      return guard((r) => JSON.stringify(utf8At(column, r)));
  }
}
