import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('library code', () => {
  it('never writes through console: diagnostics go through the logger, results through the CLI', () => {
    const offenders = sources(join(repoRoot, 'src')).filter((file) => /\bconsole\.(log|info|warn|error|debug|trace)\(/.test(readFileSync(file, 'utf8')));
    expect(offenders.map((f) => relative(repoRoot, f))).toEqual([]);
  });
});
