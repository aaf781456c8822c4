/**
 * RecordBatch: a schema and one column per field, all of `numRows` rows.
 *
 * Batches are immutable; `slice` shares buffers, `take` copies the picked rows. Rows exist only at
 * the edges: {@link RecordBatch.fromRows} and {@link RecordBatch.toRows}.
 */
import { builderFor, type ColumnBuilder } from './builder.js';
import { columnBuffers, columnLength, logicalType, sliceColumn, takeColumn, valueAt, type Column } from './column.js';
import { Schema, type DataType, type RowOf } from './schema.js';

const BATCH_BRAND = Symbol.for('sluice.RecordBatch');

/** The plain-data form of a batch: what crosses to a worker thread (structured clone/transfer). */
export interface RecordBatchData {
  readonly fields: Schema['fields'];
  readonly columns: readonly Column[];
  readonly numRows: number;
}

export class RecordBatch<S extends Schema = Schema> {
  readonly schema: S;
  readonly columns: readonly Column[];
  readonly numRows: number;

  constructor(schema: S, columns: readonly Column[], numRows?: number) {
    if (columns.length !== schema.fields.length) {
      throw new RangeError(`RecordBatch: schema has ${schema.fields.length} fields but ${columns.length} columns were given`);
    }
    const rows = numRows ?? (columns.length > 0 ? columnLength(columns[0]!) : 0);
    columns.forEach((column, i) => {
      const field = schema.fields[i]!;
      if (logicalType(column) !== field.type) {
        throw new TypeError(`RecordBatch: column "${field.name}" is ${logicalType(column)}, schema says ${field.type}`);
      }
      if (columnLength(column) !== rows) {
        throw new RangeError(`RecordBatch: column "${field.name}" has ${columnLength(column)} rows, expected ${rows}`);
      }
    });
    this.schema = schema;
    this.columns = columns;
    this.numRows = rows;
  }

  /** Identity by a registered symbol, not `instanceof`: works across copies of the library and threads. */
  static isRecordBatch(value: unknown): value is RecordBatch {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BATCH_BRAND] === true;
  }

  static empty<S extends Schema>(schema: S): RecordBatch<S> {
    return new RecordBatch(schema, schema.fields.map((f) => builderFor(f.type, 0).finish()), 0);
  }

  /** Build a batch from row objects; missing keys and `undefined` are null. */
  static fromRows<S extends Schema>(schema: S, rows: Iterable<Partial<RowOf<S>>>): RecordBatch<S> {
    const builders = schema.fields.map((f) => builderFor(f.type));
    let count = 0;
    for (const row of rows) {
      const record = row as Record<string, unknown>;
      schema.fields.forEach((field, i) => appendValue(builders[i]!, field.type, record[field.name], field.name, count));
      count++;
    }
    return new RecordBatch(schema, builders.map((b) => b.finish()), count);
  }

  static fromData(data: RecordBatchData): RecordBatch {
    return new RecordBatch(new Schema(data.fields), data.columns, data.numRows);
  }

  toData(): RecordBatchData {
    return { fields: this.schema.fields, columns: this.columns, numRows: this.numRows };
  }

  column(name: string): Column {
    const index = this.schema.indexOf(name);
    if (index < 0) throw new RangeError(`RecordBatch: no column "${name}" (columns: ${this.schema.names.join(', ')})`);
    return this.columns[index]!;
  }

  /** Rows [start, end), sharing buffers with this batch. */
  slice(start = 0, end = this.numRows): RecordBatch<S> {
    const from = Math.max(0, Math.min(start, this.numRows));
    const to = Math.max(from, Math.min(end, this.numRows));
    return new RecordBatch(this.schema, this.columns.map((c) => sliceColumn(c, from, to)), to - from);
  }

  /** The rows at `indices[0..count)`, in that order, copied into new buffers. */
  take(indices: ArrayLike<number>, count = indices.length): RecordBatch<S> {
    return new RecordBatch(this.schema, this.columns.map((c) => takeColumn(c, indices, count)), count);
  }

  /** Row objects typed by the schema declaration. For the edges: tests, small results, sinks. */
  toRows(): RowOf<S>[] {
    const rows: RowOf<S>[] = new Array(this.numRows);
    const names = this.schema.names;
    for (let r = 0; r < this.numRows; r++) {
      const row: Record<string, unknown> = {};
      for (let c = 0; c < names.length; c++) row[names[c]!] = valueAt(this.columns[c]!, r);
      rows[r] = row as RowOf<S>;
    }
    return rows;
  }

  /** Bytes of the buffers this batch views (shared buffers counted by their viewed part). */
  get byteLength(): number {
    return this.columns.flatMap(columnBuffers).reduce((sum, view) => sum + view.byteLength, 0);
  }
}
Object.defineProperty(RecordBatch.prototype, BATCH_BRAND, { value: true });

function appendValue(builder: ColumnBuilder<never>, type: DataType, value: unknown, name: string, row: number): void {
  if (value === null || value === undefined) return builder.appendNull();
  const fail = (): never => {
    throw new TypeError(`fromRows: row ${row}, field "${name}" must be ${type} (got ${typeof value} ${String(value)})`);
  };
  const b = builder as ColumnBuilder<unknown>;
  switch (type) {
    case 'float64':
      return typeof value === 'number' ? b.append(value) : fail();
    case 'int32':
      return typeof value === 'number' && Number.isInteger(value) && value === (value | 0) ? b.append(value) : fail();
    case 'int64':
    case 'timestamp':
      if (typeof value === 'bigint') return b.append(BigInt.asIntN(64, value) === value ? value : fail());
      return typeof value === 'number' && Number.isSafeInteger(value) ? b.append(BigInt(value)) : fail();
    case 'bool':
      return typeof value === 'boolean' ? b.append(value) : fail();
    case 'utf8':
      return typeof value === 'string' ? b.append(value) : fail();
  }
}

