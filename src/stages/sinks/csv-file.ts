/**
 * `csv_file`: writes rows as CSV (RFC 4180) that the `csv` source reads back unchanged when the
 * schema is declared. The file appears at `path` only when complete.
 *
 * - A header line of column names, then one line per row, each ended by LF; UTF-8, no BOM.
 * - A null is an empty field; an empty string is `""`. In a one-column table a null row is
 *   therefore an empty line (the `csv` source reads an empty line of a one-column file as null).
 * - A field is quoted when it holds the delimiter, `"`, CR or LF, or is the empty string; quotes
 *   inside are doubled. (A first column name starting with U+FEFF is quoted too, so that it is
 *   not taken for a byte order mark.)
 * - float64 as JavaScript writes it (`String(v)`: shortest round-trip digits, `NaN`, `Infinity`,
 *   `-Infinity`), except negative zero, written `-0` so that its sign survives; int32 as digits;
 *   int64 and timestamp as exact integer digits (epoch milliseconds for timestamps); bool as
 *   `true` / `false`.
 *
 * Rows are encoded straight into byte chunks (csv/writer.ts): numbers digit by digit, text from
 * its UTF-8 bytes (strings are never decoded), so writing makes no string per field.
 */
import { z } from 'zod';
import type { Column, Utf8Column } from '../../batch/column.js';
import type { RecordBatch } from '../../batch/record-batch.js';
import type { Schema } from '../../batch/schema.js';
import { AtomicFile } from '../../flow/files.js';
import { registerStage, Sink, type PlanContext, type StageContext } from '../../registry/index.js';
import { delimiterOption, LF } from '../sources/csv/dialect.js';
import { ByteWriter, writeFloat64, writeInteger, writeQuoted, writeText } from '../sources/csv/writer.js';

const options = z.strictObject({
  path: z.string().min(1).describe('Output file (relative to the job file); written atomically'),
  delimiter: delimiterOption,
});

type Options = z.infer<typeof options>;

export class CsvFileSink extends Sink<Options> {
  static readonly type = 'csv_file';
  static readonly description = 'Writes rows to a CSV file with a header line, atomically';
  static readonly options = options;
  static readonly example = { path: 'out/events.csv' };
  static {
    registerStage(this);
  }

  override checkInput(input: Schema, ctx: PlanContext): void {
    if (input.fields.length === 0) ctx.problem('', 'cannot write a table with no columns to CSV');
  }

  async consume(input: AsyncIterable<RecordBatch>, ctx: StageContext): Promise<void> {
    const path = ctx.resolvePath(this.options.path);
    const delim = this.options.delimiter.charCodeAt(0);
    await using file = await AtomicFile.create(path);
    const out = new ByteWriter();
    ctx.schema.names.forEach((name, i) => {
      if (i > 0) out.byte(delim);
      const bytes = encoder.encode(name);
      if (i === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) writeQuoted(out, bytes, 0, bytes.length);
      else writeText(out, bytes, 0, bytes.length, delim);
    });
    out.byte(LF);
    for await (const batch of input) {
      if (batch.numRows === 0) continue;
      encodeBatch(batch, delim, out);
      for (const chunk of out.take()) await file.write(chunk);
    }
    for (const chunk of out.take()) await file.write(chunk);
    await file.commit();
    ctx.reportOutput(path);
  }
}

const encoder = new TextEncoder();

type Encode = (row: number) => void;

/** The batch's rows, each ended by LF, into `out`. */
function encodeBatch(batch: RecordBatch, delim: number, out: ByteWriter): void {
  const encoders = batch.columns.map((column) => encoderFor(column, delim, out));
  const width = encoders.length;
  for (let r = 0; r < batch.numRows; r++) {
    encoders[0]!(r);
    for (let c = 1; c < width; c++) {
      out.byte(delim);
      encoders[c]!(r);
    }
    out.byte(LF);
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const TWO_32 = 4294967296;

function encoderFor(column: Column, delim: number, out: ByteWriter): Encode {
  const valid = column.validity;
  const guard = (encode: Encode): Encode => (valid === null ? encode : (r) => void ((valid[r >>> 3]! >>> (r & 7)) & 1 && encode(r)));
  switch (column.layout) {
    case 'float64': {
      const v = column.values;
      return guard((r) => writeFloat64(out, v[r]!));
    }
    case 'int32': {
      const v = column.values;
      return guard((r) => writeInteger(out, v[r]!));
    }
    case 'int64':
    case 'timestamp': {
      const v = column.values;
      if (!LITTLE_ENDIAN) return guard((r) => out.ascii(v[r]!.toString()));
      // Most values fit a double exactly: read the two 32-bit words instead of making a BigInt.
      const words = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
      return guard((r) => {
        const high = words[2 * r + 1]!;
        if (high >= -0x200000 && high < 0x200000) writeInteger(out, high * TWO_32 + (words[2 * r]! >>> 0));
        else out.ascii(v[r]!.toString());
      });
    }
    case 'bool': {
      const v = column.values;
      return guard((r) => out.ascii(v[r] ? 'true' : 'false'));
    }
    case 'dictionary': {
      // Each dictionary entry is encoded (and quoted) once per batch.
      const encoded = encodeEntries(column.dictionary, delim);
      const codes = column.codes;
      return guard((r) => {
        const bytes = encoded[codes[r]!]!;
        out.bytes(bytes, 0, bytes.length);
      });
    }
    case 'utf8': {
      const { offsets, bytes } = column;
      return guard((r) => writeText(out, bytes, offsets[r]!, offsets[r + 1]!, delim));
    }
  }
}

function encodeEntries(dictionary: Utf8Column, delim: number): Uint8Array[] {
  const entries: Uint8Array[] = [];
  const scratch = new ByteWriter(256);
  for (let i = 0; i < dictionary.offsets.length - 1; i++) {
    writeText(scratch, dictionary.bytes, dictionary.offsets[i]!, dictionary.offsets[i + 1]!, delim);
    entries.push(scratch.buf.slice(0, scratch.pos));
    scratch.pos = 0;
  }
  return entries;
}
