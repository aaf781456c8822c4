/**
 * Imports every module under sources/, transforms/ and sinks/ so that the built-in stage classes
 * register themselves. A new built-in stage is one new file in one of those folders: nothing here
 * or anywhere else lists them.
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
