/**
 * The native CSV parser (crates/sluice-core/src/csv.rs, bound in crates/sluice-node/src/parse.rs).
 * It is chosen exactly as the kernels are: a stage runs it when its run's kernels are native
 * (`SLUICE_KERNELS=native` demands the addon, `=js` forces the TypeScript parser, unset uses the
 * addon when it loads), so one switch decides every implementation of a run.
 */
import { nativeParserLookup } from './native-parser.js';

/** A data problem found by the native parser; the caller words it as a DataError. */
export interface NativeCsvError {
  readonly kind: 'grammar' | 'value';
  readonly line: number;
  /** 1-based field; absent when the whole record is at fault. */
  readonly column?: number;
  /** grammar: the message text. */
  readonly detail?: string;
  /** value: why the field is not of its column's type. */
  readonly reason?: 'syntax' | 'range' | 'utf8';
  /** value: the raw field is input[start, end), with doubled quotes when `escaped`. */
  readonly start?: number;
  readonly end?: number;
  readonly escaped?: boolean;
}

export interface NativeCsvResult {
  /** Offset in the input after the last record converted. */
  readonly end: number;
  readonly rows: number;
  /** Physical line at `end`. */
  readonly line: number;
  readonly error?: NativeCsvError | null;
}

/** One parser per stream: it holds the dictionaries of the batch being read. */
export interface NativeCsvParser {
  parse(
    input: Uint8Array,
    start: number,
    end: number,
    eof: boolean,
    line: number,
    columns: ReadonlyArray<Int32Array | BigInt64Array | Float64Array | Uint8Array>,
    validity: readonly Uint8Array[],
    at: number,
    maxRows: number,
  ): NativeCsvResult;
  dictionarySize(column: number): [number, number];
  copyDictionary(column: number, offsets: Int32Array, bytes: Uint8Array): void;
  clearDictionaries(): void;
}

/**
 * `types`: the column types comma-separated, one per field of the file, `skip` for a field passed
 * over (found and its grammar checked, never converted: no value error comes from it); the
 * `columns`/`validity` given to `parse` and the `column` of `dictionarySize`/`copyDictionary` then
 * count only the other fields, in order, while errors keep the field's place in the record.
 * `delimiter`: its byte.
 */
export type NativeCsvParserClass = new (types: string, delimiter: number) => NativeCsvParser;

/** The native parser class when `implementation` is native and the addon has it; null: the TypeScript twin runs. */
export const nativeCsvParser = nativeParserLookup<NativeCsvParserClass>('CsvParser', 'CSV');
