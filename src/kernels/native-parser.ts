/**
 * How a source finds its native parser class in the addon: chosen exactly as the kernels are (a
 * stage runs it when its run's kernels are native), and an addon built before the parser existed
 * (it loads, but lacks the class) is an error when `SLUICE_KERNELS=native` demanded native, else
 * said once on stderr while the TypeScript twin runs, with the same results.
 */
import { warnOnce } from '../observe/log.js';
import { kernelChoiceFromEnv, type Implementation } from './index.js';
import { addonExport } from './addon-export.js';

/** A lookup of the addon's export `name` (the parser of `format`), cached after the first call. */
export function nativeParserLookup<T>(name: string, format: string): (implementation: Implementation) => T | null {
  let cached: T | null | undefined;
  return (implementation) => {
    if (implementation !== 'native') return null;
    if (cached === undefined) cached = addonExport<T>(name);
    if (cached === null) {
      const stale = `the native addon has no ${format} parser (it was built from older sources; rebuild it with npm run build)`;
      if (kernelChoiceFromEnv() === 'native') throw new Error(`SLUICE_KERNELS=native but ${stale}`);
      warnOnce(`native-${format.toLowerCase()}-missing`, `${stale}; reading ${format} with the TypeScript parser`);
    }
    return cached;
  };
}
