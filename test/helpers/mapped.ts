/** The addon's file mapper for the mapped-read tests, and a mapper that counts and fails on demand. */
import { fileMapper, type MapFileRange } from '../../src/kernels/mapped-file.js';

/** The addon's `mapFileRange`, or null when the addon lacks it (a test then fails on purpose). */
export const mapFileRange = fileMapper('native');

/**
 * A mapper over the addon's that records the windows it mapped and counts every call; the call
 * numbered `failFrom` and every later one throw, as a file that cannot be mapped would.
 */
export function countingMapper(failFrom = Infinity) {
  const windows: { offset: number; length: number }[] = [];
  let calls = 0;
  const map: MapFileRange = (fd, offset, length) => {
    if (++calls >= failFrom) throw new Error('cannot map');
    windows.push({ offset, length });
    return mapFileRange!(fd, offset, length);
  };
  return { map, windows, calls: () => calls };
}
