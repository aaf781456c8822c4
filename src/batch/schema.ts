/**
 * Layer 1: the schema of a stream, declared once.
 *
 * A schema declared with {@link schema} gives both the columnar layout (one typed array per
 * field) and, through {@link RowOf}, the TypeScript type of the rows at the edges — the typed
 * analogue of a metaclass that derives a fixed memory layout from field annotations.
 */

/** The logical types of a column (ARCHITECTURE.md). `timestamp` is epoch milliseconds. */
export type DataType = 'int32' | 'int64' | 'float64' | 'bool' | 'utf8' | 'timestamp';

export const DATA_TYPES: readonly DataType[] = ['int32', 'int64', 'float64', 'bool', 'utf8', 'timestamp'];

/** The JavaScript value a row holds for each type: int64 is a bigint so it is never rounded. */
export interface RowValueOf {
  int32: number;
  int64: bigint;
  float64: number;
  bool: boolean;
  utf8: string;
  timestamp: number;
}

export interface Field {
  readonly name: string;
  readonly type: DataType;
  /** Whether rows may hold null here. Columns always may carry a validity bitmap. */
  readonly nullable: boolean;
}

/** A field as written in a schema declaration: a type name (nullable) or an object. */
export type FieldSpec = DataType | { readonly type: DataType; readonly nullable?: boolean };

export type SchemaSpec = Readonly<Record<string, FieldSpec>>;

type TypeOfSpec<S> = S extends DataType ? S : S extends { type: infer T extends DataType } ? T : never;
type IsNullable<S> = S extends { nullable: false } ? false : true;

/** The row type of a schema declaration: `RowOf<typeof Events>`. */
export type RowOf<S> = S extends Schema<infer Spec>
  ? { -readonly [K in keyof Spec]: RowValueOf[TypeOfSpec<Spec[K]>] | (IsNullable<Spec[K]> extends true ? null : never) }
  : Record<string, unknown>;

const SCHEMA_BRAND = Symbol.for('sluice.Schema');

export class Schema<Spec extends SchemaSpec = SchemaSpec> {
  readonly fields: readonly Field[];
  readonly #byName: Map<string, number>;
  /** Phantom: carries the declaration so {@link RowOf} can derive the row type. */
  declare readonly spec: Spec;

  constructor(fields: readonly Field[]) {
    const byName = new Map<string, number>();
    fields.forEach((field, index) => {
      if (byName.has(field.name)) throw new TypeError(`schema: duplicate field "${field.name}"`);
      byName.set(field.name, index);
    });
    this.fields = Object.freeze(fields.map((f) => Object.freeze({ ...f })));
    this.#byName = byName;
  }

  static isSchema(value: unknown): value is Schema {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SCHEMA_BRAND] === true;
  }

  get names(): string[] {
    return this.fields.map((f) => f.name);
  }

  indexOf(name: string): number {
    return this.#byName.get(name) ?? -1;
  }

  field(name: string): Field | undefined {
    const index = this.#byName.get(name);
    return index === undefined ? undefined : this.fields[index];
  }

  equals(other: Schema): boolean {
    return (
      this.fields.length === other.fields.length &&
      this.fields.every((f, i) => {
        const o = other.fields[i]!;
        return f.name === o.name && f.type === o.type;
      })
    );
  }

  toJSON(): Record<string, DataType> {
    return Object.fromEntries(this.fields.map((f) => [f.name, f.type]));
  }

  toString(): string {
    return this.fields.map((f) => `${f.name}: ${f.type}${f.nullable ? '' : ' not null'}`).join(', ');
  }
}
Object.defineProperty(Schema.prototype, SCHEMA_BRAND, { value: true });

/** Declare a schema once: `const Events = schema({ id: { type: 'int64', nullable: false }, name: 'utf8' })`. */
export function schema<const Spec extends SchemaSpec>(spec: Spec): Schema<Spec> {
  const fields = Object.entries(spec).map(([name, fieldSpec]): Field => {
    const { type, nullable } = typeof fieldSpec === 'string' ? { type: fieldSpec, nullable: true } : fieldSpec;
    if (!DATA_TYPES.includes(type)) {
      throw new TypeError(`schema.${name} must be one of ${DATA_TYPES.join(', ')} (got ${JSON.stringify(type)})`);
    }
    return { name, type, nullable: nullable ?? true };
  });
  return new Schema<Spec>(fields);
}
