/**
 * String helpers for grouping and sorting: dictionary-encoding a plain utf8 column by hashing its
 * bytes (no string is decoded), and ranking the entries of a dictionary by code point.
 */
import type { DictionaryColumn, Utf8Column } from '../../../batch/column.js';
import { dictionaryStrings, takeColumn } from '../../../batch/column.js';
import { compareCodePoints } from './order.js';

/**
 * The same values as a dictionary column: equal byte strings get one code, codes in order of
 * first appearance. Null rows keep the validity bitmap (their code is meaningless).
 */
export function dictionaryEncode(column: Utf8Column): DictionaryColumn {
  const { offsets, bytes } = column;
  const n = offsets.length - 1;
  const codes = new Int32Array(n);
  let capacity = 16;
  while (capacity < n * 2) capacity *= 2;
  const mask = capacity - 1;
  const slots = new Int32Array(capacity).fill(-1);
  /** Row of the first occurrence of each code. */
  const firsts = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const start = offsets[i]!;
    const end = offsets[i + 1]!;
    // FNV-1a over the bytes.
    let h = 0x811c9dc5;
    for (let p = start; p < end; p++) h = Math.imul(h ^ bytes[p]!, 0x01000193);
    let slot = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const code = slots[slot]!;
      if (code < 0) {
        slots[slot] = count;
        firsts[count] = i;
        codes[i] = count++;
        break;
      }
      const other = firsts[code]!;
      if (sameBytes(bytes, offsets[other]!, offsets[other + 1]!, start, end)) {
        codes[i] = code;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  const plain: Utf8Column = { layout: 'utf8', offsets, bytes, validity: null };
  const dictionary = takeColumn(plain, firsts, count) as Utf8Column;
  return { layout: 'dictionary', codes, dictionary, validity: column.validity };
}

function sameBytes(bytes: Uint8Array, a: number, aEnd: number, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false;
  for (; a < aEnd; a++, b++) if (bytes[a] !== bytes[b]) return false;
  return true;
}

/** Rank of each entry of `strings` by code point (equal strings, equal rank; ranks from 0). */
export function stringRanks(strings: readonly string[]): Int32Array {
  const order = Array.from({ length: strings.length }, (_, i) => i);
  order.sort((a, b) => compareCodePoints(strings[a]!, strings[b]!));
  const ranks = new Int32Array(strings.length);
  let rank = 0;
  for (let r = 0; r < order.length; r++) {
    if (r > 0 && strings[order[r]!] !== strings[order[r - 1]!]) rank++;
    ranks[order[r]!] = rank;
  }
  return ranks;
}

/** Rank of each dictionary entry by code point. */
export function dictionaryRanks(dictionary: Utf8Column): Int32Array {
  return stringRanks(dictionaryStrings(dictionary));
}
