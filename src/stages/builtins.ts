/**
 * Imports every module under sources/, transforms/ and sinks/ so that the built-in stage classes
 * register themselves. A new built-in stage is one new file in one of those folders: nothing here
 * or anywhere else lists them.
 *
 * This reads the folders at run time (tsc's output, and the sources under vitest). The bundle has
 * no such folders: scripts/bundle.mjs replaces this module with static imports of the same files,
 * listed from the same folders by the same rule when the bundle is built; keep the two in step.
 */
import { readdirSync } from 'node:fs';
import { extname } from 'node:path';

const here = new URL('./', import.meta.url);
const ownExtension = extname(new URL(import.meta.url).pathname);

export const builtinsLoaded: Promise<void> = (async () => {
  for (const folder of ['sources', 'transforms', 'sinks']) {
    const dir = new URL(`${folder}/`, here);
    const modules = readdirSync(dir)
      .filter((file) => file.endsWith(ownExtension) && !file.endsWith(`.d${ownExtension}`))
      .sort();
    for (const file of modules) await import(new URL(file, dir).href);
  }
})();
