// Suite discovery: every bench/<name>.mjs is a suite that writes bench/results/<name>.json
// (bench/README.md). Nothing lists suites by hand, so a new file is picked up as it lands.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const benchDir = fileURLToPath(new URL('..', import.meta.url));
export const resultsDir = join(benchDir, 'results');

/** Every suite: name, file, and whether `npm run bench` without --suite skips it (long runs). */
export function discoverSuites(dir = benchDir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.mjs'))
    .sort()
    .map((f) => {
      const head = readFileSync(join(dir, f), 'utf8').split('\n', 15).join('\n');
      return { name: f.slice(0, -'.mjs'.length), file: join(dir, f), manual: /^\/\/ bench: manual\b/m.test(head) };
    });
}

/** Picks the named suites, failing with the list of known names on an unknown one. */
export function selectSuites(all, names) {
  if (names.length === 0) return all.filter((s) => !s.manual);
  return names.map((name) => {
    const found = all.find((s) => s.name === name);
    if (!found) throw new RangeError(`--suite: no suite "${name}" (suites: ${all.map((s) => s.name).join(', ')})`);
    return found;
  });
}
