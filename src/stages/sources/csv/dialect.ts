/**
 * What the `csv` source and the `csv_file` sink agree on: the delimiter option, the bytes that
 * matter to the grammar, and the column types a job may declare.
 */
import { z } from 'zod';

export const QUOTE = 0x22;
export const LF = 0x0a;
export const CR = 0x0d;

/** The types a `schema:` map may name (ARCHITECTURE.md). */
export const CSV_TYPES = ['int32', 'int64', 'float64', 'bool', 'utf8', 'timestamp'] as const;

/**
 * One ASCII character other than the quote, CR and LF: the parser works on bytes, so a
 * delimiter must be one byte, and it must not be a byte the quoting grammar already uses.
 */
export const delimiterOption = z
  .string()
  .refine((d) => d.length === 1 && d.charCodeAt(0) < 0x80 && d !== '"' && d !== '\r' && d !== '\n', {
    message: 'must be one ASCII character other than a double quote, CR or LF (for a tab write "\\t")',
  })
  .default(',')
  .describe('Field delimiter: one ASCII character (default ",")');

/** A column name as written in messages and problems. */
export function quoteName(name: string): string {
  return JSON.stringify(name);
}
