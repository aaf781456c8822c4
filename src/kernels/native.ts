/**
 * Loads the napi-rs addon built from crates/sluice-node. The generated loader (native/index.cjs)
 * picks the binary for this platform; it is never edited by hand.
 */
import { createRequire } from 'node:module';

export interface NativeAddon {
  compareF64(values: Float64Array, validity: Uint8Array | null | undefined, op: string, threshold: number, out: Uint32Array): number;
  compareI32(values: Int32Array, validity: Uint8Array | null | undefined, op: string, threshold: number, out: Uint32Array): number;
  compareI64(values: BigInt64Array, validity: Uint8Array | null | undefined, op: string, threshold: number, out: Uint32Array): number;
  compareUtf8(offsets: Int32Array, bytes: Uint8Array, validity: Uint8Array | null | undefined, op: string, needle: string, out: Uint32Array): number;
  compareDictionary(codes: Int32Array, dictionaryOffsets: Int32Array, dictionaryBytes: Uint8Array, validity: Uint8Array | null | undefined, op: string, needle: string, out: Uint32Array): number;
  takeF64(values: Float64Array, indices: Uint32Array, out: Float64Array): void;
  takeI32(values: Int32Array, indices: Uint32Array, out: Int32Array): void;
  takeI64(values: BigInt64Array, indices: Uint32Array, out: BigInt64Array): void;
  takeValidity(validity: Uint8Array, rows: number, indices: Uint32Array, out: Uint8Array): number;
  groupedStatsF64(values: Float64Array, gids: Int32Array, state: Float64Array, stride: number, rowsSlot: number, sumSlot: number, minSlot: number, maxSlot: number): void;
  filterGroupedStatsF64(
    values: Float64Array,
    validity: Uint8Array | null | undefined,
    gids: Int32Array,
    op: string,
    threshold: number,
    state: Float64Array,
    stride: number,
    rowsSlot: number,
    sumSlot: number,
    minSlot: number,
    maxSlot: number,
  ): void;
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
