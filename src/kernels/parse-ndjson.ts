/**
 * The native NDJSON parser (crates/sluice-core/src/ndjson.rs, bound in
 * crates/sluice-node/src/ndjson.rs). Chosen exactly as the kernels and the CSV parser are: a
 * stage runs it when its run's kernels are native (`SLUICE_KERNELS=native` demands the addon,
 * `=js` forces the TypeScript reader, unset uses the addon when it loads).
 */
import { nativeParserLookup } from './native-parser.js';

/** A data problem found by the native parser: the text of the TypeScript reader's DataError. */
export interface NativeNdjsonError {
  readonly line: number;
  /** 1-based, in characters. */
  readonly column?: number | null;
  readonly detail: string;
}

export interface NativeNdjsonResult {
  /** Offset in the input after the last line read. */
  readonly end: number;
  readonly rows: number;
  /** Physical line at `end`. */
  readonly line: number;
  readonly error?: NativeNdjsonError | null;
}

/** One parser per stream: it holds the dictionaries of the batch being read. */
export interface NativeNdjsonParser {
  checkUtf8(input: Uint8Array, start: number, end: number, line: number): NativeNdjsonError | null;
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
  ): NativeNdjsonResult;
  dictionarySize(column: number): [number, number];
  copyDictionary(column: number, offsets: Int32Array, bytes: Uint8Array): void;
  clearDictionaries(): void;
}

/**
 * `names` and comma-separated `types` of the columns; `declared`: whether the job declared the
 * schema; `sampleLines`: the lines an inferred schema came from, or null when unknown.
 */
export type NativeNdjsonParserClass = new (names: string[], types: string, declared: boolean, sampleLines: number | null) => NativeNdjsonParser;

/** The native parser class when `implementation` is native and the addon has it; null: the TypeScript twin runs. */
export const nativeNdjsonParser = nativeParserLookup<NativeNdjsonParserClass>('NdjsonParser', 'NDJSON');
