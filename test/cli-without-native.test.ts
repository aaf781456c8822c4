import { describe, expect, it } from 'vitest';
import { sluice } from './helpers/cli.js';

// Points the generated loader at a binary that does not exist: what a machine without Rust sees.
const noAddon = { NAPI_RS_NATIVE_LIBRARY_PATH: '/nonexistent/sluice.node' };

describe('without the native addon', () => {
  it('sluice runs on the TypeScript kernels and says so once on stderr', () => {
    const result = sluice(['run', 'examples/scale-job.yaml'], { env: noAddon });
    expect(result.status).toBe(0);
    const warnings = result.stderr.split('\n').filter((line) => line.includes('native addon')).map((line) => JSON.parse(line));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warn', msg: 'the native addon could not be loaded (no binary for linux-x64 (build it with a Rust toolchain: npm run build)); running on the TypeScript kernels' });
    expect(result.stdout).toMatch(/threshold_filter .*\[js kernels\]/);
  });

  it('SLUICE_KERNELS=native fails fast', () => {
    const result = sluice(['run', 'examples/scale-job.yaml'], { env: { ...noAddon, SLUICE_KERNELS: 'native' } });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('SLUICE_KERNELS=native but the native addon could not be loaded');
  });

  it('with the addon, the summary names native kernels', () => {
    const result = sluice(['run', 'examples/scale-job.yaml'], { env: { SLUICE_KERNELS: 'native' } });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/threshold_filter .*\[native kernels\]/);
  });
});
