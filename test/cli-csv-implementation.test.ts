import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sluice } from './helpers/cli.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('the run summary of a csv source', () => {
  it('names the parser that ran: native by default, js when forced', () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-impl-'));
    writeFileSync(join(dir, 'd.csv'), 'a,b\n1,x\n2,y\n');
    writeFileSync(join(dir, 'job.yaml'), 'source: { type: csv, path: d.csv }\nsink: { type: json_file, path: o.json }\n');
    const native = sluice(['run', join(dir, 'job.yaml'), '--json'], { env: { SLUICE_KERNELS: 'native' } });
    const js = sluice(['run', join(dir, 'job.yaml'), '--json'], { env: { SLUICE_KERNELS: 'js' } });
    expect(native.status).toBe(0);
    expect(js.status).toBe(0);
    const sourceOf = (stdout: string) => JSON.parse(stdout).stages.find((s: { place: string }) => s.place === 'source');
    expect(sourceOf(native.stdout).implementation).toBe('native');
    expect(sourceOf(js.stdout).implementation).toBe('js');
  });
});
