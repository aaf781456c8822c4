/**
 * Reading a file through a private memory mapping (crates/sluice-node/src/mapped.rs): the parser
 * reads the page cache itself instead of a copy of it. Used with the native kernels only, like
 * every native call; an addon built before it existed just means plain reads.
 * `SLUICE_MAPPED_READS=0` turns it off (plain reads, for comparison or a file that may shrink
 * while it is read: a mapped page past a file's new end cannot be read, and the process dies).
 */
import type { Implementation } from './index.js';
import { addonExport } from './addon-export.js';

/** A Buffer of `length` bytes of the file open as `fd` from `offset` on; throws if it cannot map. */
export type MapFileRange = (fd: number, offset: number, length: number) => Buffer;

let cached: MapFileRange | null | undefined;

/** The mapper for a run on `implementation`'s kernels; null: read by copying. */
export function fileMapper(implementation: Implementation): MapFileRange | null {
  if (implementation !== 'native' || process.env['SLUICE_MAPPED_READS'] === '0') return null;
  if (cached === undefined) cached = addonExport<MapFileRange>('mapFileRange');
  return cached;
}
