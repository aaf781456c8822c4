/**
 * The kernel set behind one interface, implemented twice: Rust (native, through napi-rs) and
 * TypeScript (the twins). `SLUICE_KERNELS=js` forces the twins, `SLUICE_KERNELS=native` demands
 * the addon; unset, native is used when it loads, and a failure to load is said once on stderr.
 */
import { warnOnce } from '../observe/log.js';
import { compareBigInts, compareNumbers, type CompareOp } from './compare.js';
import { loadNativeAddon, type NativeAddon } from './native.js';

export { COMPARE_OPS, compareBigInts, compareNumbers, type CompareOp } from './compare.js';

export type Implementation = 'native' | 'js';

export interface Kernels {
  readonly implementation: Implementation;
  /** Selection of rows where `values[i] op threshold`; see {@link compareNumbers} for semantics. */
  compareF64(values: Float64Array, validity: Uint8Array | null, op: CompareOp, threshold: number, out: Uint32Array): number;
  /** int32 comparison; TypeScript in both sets until the native kernel set lands. */
  compareI32(values: Int32Array, validity: Uint8Array | null, op: CompareOp, threshold: number, out: Uint32Array): number;
  /** int64/timestamp comparison; TypeScript in both sets until the native kernel set lands. */
  compareI64(values: BigInt64Array, validity: Uint8Array | null, op: CompareOp, threshold: number, out: Uint32Array): number;
}

export const jsKernels: Kernels = {
  implementation: 'js',
  compareF64: compareNumbers,
  compareI32: compareNumbers,
  compareI64: compareBigInts,
};

function nativeKernels(addon: NativeAddon): Kernels {
  return {
    implementation: 'native',
    compareF64: (values, validity, op, threshold, out) => addon.compareF64(values, validity, op, threshold, out),
    compareI32: compareNumbers,
    compareI64: compareBigInts,
  };
}

export type KernelChoice = 'auto' | 'js' | 'native';

export function kernelChoiceFromEnv(env: NodeJS.ProcessEnv = process.env): KernelChoice {
  const value = env.SLUICE_KERNELS;
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (value === 'js' || value === 'native') return value;
  throw new RangeError(`SLUICE_KERNELS must be one of js, native (got ${JSON.stringify(value)})`);
}

let cachedNative: Kernels | Error | undefined;

function tryNative(): Kernels | Error {
  if (cachedNative === undefined) {
    const load = loadNativeAddon();
    cachedNative = load.state === 'loaded' ? nativeKernels(load.addon) : load.error;
  }
  return cachedNative;
}

/** The kernels to use for `choice`; throws when native is demanded and cannot load. */
export function selectKernels(choice: KernelChoice = kernelChoiceFromEnv()): Kernels {
  if (choice === 'js') return jsKernels;
  const native = tryNative();
  if (!(native instanceof Error)) return native;
  if (choice === 'native') {
    throw new Error(`SLUICE_KERNELS=native but the native addon could not be loaded: ${native.message}`);
  }
  warnOnce('native-missing', `the native addon could not be loaded (${firstLine(native.message)}); running on the TypeScript kernels`);
  return jsKernels;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!;
}
