/**
 * Column builders: append values one at a time into growing typed arrays, then `finish()`.
 * Used at the edges (rows in, parsers, aggregate output), never in a per-row hot loop that a
 * kernel could do on whole columns.
 */
import { allValid, bitmapBytes } from './bitmap.js';
import type { Column, Utf8Column } from './column.js';
import type { DataType } from './schema.js';

type Typed = Int32Array | Float64Array | BigInt64Array | Uint8Array;


abstract class Builder<T> {
  length = 0;
  protected validity: Uint8Array | null = null;

  abstract append(value: T): void;
  abstract finish(): Column;

  appendNull(): void {
    const index = this.length;
    if (this.validity === null) this.validity = allValid(Math.max(index + 1, 64));
    this.ensureValidity(index + 1);
    this.validity![index >>> 3]! &= ~(1 << (index & 7));
    this.pushDefault();
  }

  protected abstract pushDefault(): void;

  /** Marks the next index valid when a bitmap already exists. */
  protected markValid(index: number): void {
    if (this.validity === null) return;
    this.ensureValidity(index + 1);
    this.validity[index >>> 3]! |= 1 << (index & 7);
  }

  private ensureValidity(length: number): void {
    const needed = bitmapBytes(length);
    if (this.validity!.length < needed) {
      const grown = new Uint8Array(Math.max(needed, this.validity!.length * 2));
      grown.set(this.validity!);
      this.validity = grown;
    }
  }

  protected finishValidity(): Uint8Array | null {
    return this.validity === null ? null : this.validity.slice(0, bitmapBytes(this.length));
  }
}

type FixedLayout = 'int32' | 'float64' | 'int64' | 'timestamp' | 'bool';

/** Values of one fixed width in a growing typed array; `encode` maps a row value to its element. */
class FixedWidthBuilder<V> extends Builder<V> {
  private values: Typed;
  constructor(
    private readonly layout: FixedLayout,
    private readonly make: (length: number) => Typed,
    private readonly encode: (value: V) => number | bigint,
    private readonly zero: number | bigint,
    capacity: number,
  ) {
    super();
    this.values = make(Math.max(capacity, 16));
  }

  append(value: V): void {
    this.push(this.encode(value));
    this.markValid(this.length - 1);
  }

  protected pushDefault(): void {
    this.push(this.zero);
  }

  private push(element: number | bigint): void {
    if (this.length === this.values.length) {
      const grown = this.make(this.values.length * 2);
      grown.set(this.values as never);
      this.values = grown;
    }
    (this.values as unknown as (number | bigint)[])[this.length++] = element;
  }

  finish(): Column {
    return { layout: this.layout, values: this.values.slice(0, this.length), validity: this.finishValidity() } as Column;
  }
}

const same = <T>(value: T): T => value;

const encoder = new TextEncoder();

/** Strings are dictionary-encoded as they arrive: repeated values cost one code each. */
class Utf8Builder extends Builder<string> {
  private codes: Int32Array;
  private readonly codeOf = new Map<string, number>();
  private readonly strings: string[] = [];
  constructor(capacity: number) {
    super();
    this.codes = new Int32Array(Math.max(capacity, 16));
  }
  append(value: string): void {
    let code = this.codeOf.get(value);
    if (code === undefined) {
      code = this.strings.length;
      this.strings.push(value);
      this.codeOf.set(value, code);
    }
    this.pushCode(code);
    this.markValid(this.length - 1);
  }
  protected pushDefault(): void { this.pushCode(0); }
  private pushCode(code: number): void {
    if (this.length === this.codes.length) {
      const grown = new Int32Array(this.codes.length * 2);
      grown.set(this.codes);
      this.codes = grown;
    }
    this.codes[this.length++] = code;
  }
  finish(): Column {
    // Null rows hold code 0; an all-null column gets one entry so that every code is in range.
    const strings = this.strings.length === 0 && this.length > 0 ? [''] : this.strings;
    return { layout: 'dictionary', codes: this.codes.slice(0, this.length), dictionary: encodeStrings(strings), validity: this.finishValidity() };
  }
}

/** A null-free utf8 column holding `strings`. */
export function encodeStrings(strings: readonly string[]): Utf8Column {
  const offsets = new Int32Array(strings.length + 1);
  const chunks = strings.map((s) => encoder.encode(s));
  let size = 0;
  chunks.forEach((chunk, i) => {
    size += chunk.length;
    offsets[i + 1] = size;
  });
  const bytes = new Uint8Array(size);
  chunks.forEach((chunk, i) => bytes.set(chunk, offsets[i]!));
  return { layout: 'utf8', offsets, bytes, validity: null };
}


export interface ColumnBuilder<T> {
  readonly length: number;
  append(value: T): void;
  appendNull(): void;
  finish(): Column;
}

export interface BuilderFor {
  int32: ColumnBuilder<number>;
  float64: ColumnBuilder<number>;
  int64: ColumnBuilder<bigint>;
  timestamp: ColumnBuilder<bigint>;
  bool: ColumnBuilder<boolean>;
  utf8: ColumnBuilder<string>;
}

export function builderFor<T extends DataType>(type: T, capacity = 1024): BuilderFor[T] {
  const builders: { [K in DataType]: () => BuilderFor[K] } = {
    int32: () => new FixedWidthBuilder<number>('int32', (n) => new Int32Array(n), same, 0, capacity),
    float64: () => new FixedWidthBuilder<number>('float64', (n) => new Float64Array(n), same, 0, capacity),
    int64: () => new FixedWidthBuilder<bigint>('int64', (n) => new BigInt64Array(n), same, 0n, capacity),
    timestamp: () => new FixedWidthBuilder<bigint>('timestamp', (n) => new BigInt64Array(n), same, 0n, capacity),
    bool: () => new FixedWidthBuilder<boolean>('bool', (n) => new Uint8Array(n), (v) => (v ? 1 : 0), 0, capacity),
    utf8: () => new Utf8Builder(capacity),
  };
  return builders[type]() as BuilderFor[T];
}
