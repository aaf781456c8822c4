import { builderFor } from './builder.js';
import { valueAt, type Column } from './column.js';
import { RecordBatch } from './record-batch.js';
import type { Schema } from './schema.js';

/** One batch holding every row of `batches` (all of `schema`), for stages that must see all rows. */
export function concatBatches<S extends Schema>(schema: S, batches: readonly RecordBatch[]): RecordBatch<S> {
  if (batches.length === 1) return batches[0] as RecordBatch<S>;
  const total = batches.reduce((n, b) => n + b.numRows, 0);
  const columns = schema.fields.map((field, c): Column => {
    const parts = batches.map((b) => b.columns[c]!);
    const first = parts[0];
    if (first && first.layout !== 'utf8' && first.layout !== 'dictionary' && parts.every((p) => p.layout === first.layout)) {
      return concatFixedWidth(parts as Extract<Column, { values: unknown }>[], total);
    }
    const builder = builderFor(field.type, total);
    for (const b of batches) {
      const column = b.columns[c]!;
      for (let r = 0; r < b.numRows; r++) {
        const value = valueAt(column, r);
        if (value === null) builder.appendNull();
        else (builder as { append(v: unknown): void }).append(field.type === 'timestamp' ? BigInt(value as number) : value);
      }
    }
    return builder.finish();
  });
  return new RecordBatch(schema, columns, total);
}

function concatFixedWidth(parts: Extract<Column, { values: unknown }>[], total: number): Column {
  const first = parts[0]!;
  const values = new (first.values.constructor as new (n: number) => typeof first.values)(total);
  const anyNulls = parts.some((p) => p.validity !== null);
  const validity = anyNulls ? new Uint8Array((total + 7) >>> 3) : null;
  let at = 0;
  for (const part of parts) {
    values.set(part.values as never, at);
    if (validity) {
      for (let i = 0; i < part.values.length; i++) {
        const valid = part.validity === null || (part.validity[i >>> 3]! & (1 << (i & 7))) !== 0;
        if (valid) validity[(at + i) >>> 3]! |= 1 << ((at + i) & 7);
      }
    }
    at += part.values.length;
  }
  return { ...first, values, validity } as Column;
}
