import { afterEach, describe, expect, it, vi } from 'vitest';

// An addon built before the CSV parser existed: it loads, but has no CsvParser.
vi.mock('../src/kernels/native.js', () => ({
  loadNativeAddon: () => ({ state: 'loaded', addon: { compareF64: () => 0, sumF64: () => 0, nativeInfo: () => ({ version: '0', profile: 'release' }) } }),
}));

const { nativeCsvParser } = await import('../src/kernels/parse-csv.js');

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('native CSV parser missing from a loaded addon', () => {
  it('is an error when SLUICE_KERNELS=native demands native', () => {
    vi.stubEnv('SLUICE_KERNELS', 'native');
    expect(() => nativeCsvParser('native')).toThrow(/^SLUICE_KERNELS=native but the native addon has no CSV parser/);
  });

  it('falls back to the TypeScript parser otherwise, and never for js', () => {
    vi.stubEnv('SLUICE_KERNELS', '');
    expect(nativeCsvParser('native')).toBeNull();
    expect(nativeCsvParser('js')).toBeNull();
  });
});
