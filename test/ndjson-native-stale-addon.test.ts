import { afterEach, describe, expect, it, vi } from 'vitest';

// An addon built before the NDJSON parser existed: it loads, but has no NdjsonParser.
vi.mock('../src/kernels/native.js', () => ({
  loadNativeAddon: () => ({ state: 'loaded', addon: { compareF64: () => 0, sumF64: () => 0, nativeInfo: () => ({ version: '0', profile: 'release' }) } }),
}));

const warnings: string[] = [];
vi.mock('../src/observe/log.js', () => ({ warnOnce: (_key: string, message: string) => warnings.push(message) }));

const { nativeNdjsonParser } = await import('../src/kernels/parse-ndjson.js');

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('native NDJSON parser missing from a loaded addon', () => {
  it('is an error when SLUICE_KERNELS=native demands native', () => {
    vi.stubEnv('SLUICE_KERNELS', 'native');
    expect(() => nativeNdjsonParser('native')).toThrow(/^SLUICE_KERNELS=native but the native addon has no NDJSON parser/);
  });

  it('falls back to the TypeScript parser otherwise, saying so, and never for js', () => {
    vi.stubEnv('SLUICE_KERNELS', '');
    expect(nativeNdjsonParser('native')).toBeNull();
    expect(warnings).toEqual([expect.stringMatching(/has no NDJSON parser .*; reading NDJSON with the TypeScript parser$/)]);
    expect(nativeNdjsonParser('js')).toBeNull();
  });
});
