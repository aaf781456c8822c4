/**
 * Loads the napi-rs addon built from crates/sluice-node. The generated loader (native/index.cjs)
 * picks the binary for this platform; it is never edited by hand.
 */
import { createRequire } from 'node:module';

export interface NativeAddon {
  compareF64(values: Float64Array, validity: Uint8Array | null | undefined, op: string, threshold: number, out: Uint32Array): number;
  sumF64(values: Float64Array): number;
  nativeInfo(): { version: string; profile: string };
}

export type NativeLoad = { state: 'loaded'; addon: NativeAddon } | { state: 'failed'; error: Error };

export function loadNativeAddon(): NativeLoad {
  const require = createRequire(import.meta.url);
  try {
    return { state: 'loaded', addon: require('../../native/index.cjs') as NativeAddon };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The generated loader's own text blames npm; the usual cause here is simply an unbuilt addon.
    const reason = message.startsWith('Cannot find native binding')
      ? `no binary for ${process.platform}-${process.arch} (build it with a Rust toolchain: npm run build)`
      : message;
    return { state: 'failed', error: new Error(reason, { cause: error }) };
  }
}
