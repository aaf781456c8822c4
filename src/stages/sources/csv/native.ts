/**
 * The native path of the csv source: the Rust parser fills the batch's columns (typed arrays
 * allocated in JS, see ../native-columns.ts), one call per window of the file, never per row.
 * The TypeScript path (tokenizer.ts + columns.ts) is its twin: same columns, same errors.
 */
import type { Column } from '../../../batch/column.js';
import type { DataType } from '../../../batch/schema.js';
import type { NativeCsvParser, NativeCsvParserClass, NativeCsvResult } from '../../../kernels/parse-csv.js';
import { NativeColumns } from '../native-columns.js';
import type { CsvInput } from './input.js';

/** The columns of one batch under construction, and the parser that fills them. */
export class NativeCsvColumns {
  private readonly parser: NativeCsvParser;
  private readonly columns: NativeColumns;

  /**
   * `types`: one per field of the file; `skip` passes over a field (found, its grammar checked, not
   * converted), so the columns, and the parser's dictionary indices, are the other fields in order.
   */
  constructor(Parser: NativeCsvParserClass, types: readonly (DataType | 'skip')[], delimiter: number) {
    this.parser = new Parser(types.join(','), delimiter);
    this.columns = new NativeColumns(types.filter((type): type is DataType => type !== 'skip'), this.parser);
  }

  get capacity(): number {
    return this.columns.capacity;
  }

  /** Makes room for `rows` rows, keeping the first `kept`. */
  reserve(rows: number, kept: number): void {
    this.columns.reserve(rows, kept);
  }

  /**
   * Parses whole records of the input's window `buf[pos, stop)` into rows [at, at + maxRows);
   * advances the window. `eof`: the file ends at `stop`.
   */
  read(input: CsvInput, at: number, maxRows: number, stop: number, eof: boolean): NativeCsvResult {
    const { values, validity } = this.columns;
    const result = this.parser.parse(input.buf, input.pos, stop, eof, input.cursor.line, values, validity, at, maxRows);
    input.pos = result.end;
    input.cursor.line = result.line;
    return result;
  }

  /** The columns of the first `rows` rows; the next batch starts empty. */
  finish(rows: number): Column[] {
    return this.columns.finish(rows);
  }
}
