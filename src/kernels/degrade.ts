/**
 * Graceful degradation of kernels: every function of a native kernel set is wrapped so that a
 * call that throws (a Rust panic caught by `#[napi(catch_unwind)]`, an internal error) is redone
 * on the TypeScript twin with the same arguments. Generic over the Kernels object, so a kernel
 * added later is covered without an edit here.
 *
 * Exactness: the Rust entry points check every argument before writing anything and the kernels
 * fill their `out` arrays from the start, so redoing a call gives exactly the twin's result. The
 * accumulating kernels (`groupedStatsF64`, `filterGroupedStatsF64`) add into `state`: a panic in
 * the middle of one would leave part of its update there (the test hook panics at the entry).
 * Argument errors (TypeError, RangeError) are the caller's bug, not the kernel's: they propagate.
 */
import type { Implementation, Kernels } from './index.js';

export interface KernelHooks {
  /** Every call, with the implementation that served it. */
  onCall?(kernel: string, implementation: Implementation): void;
  /** A native call failed and was redone on the twin. */
  onDegrade?(kernel: string, error: Error): void;
}

type AnyKernel = (...args: unknown[]) => unknown;

/** `kernels` with every call reported, and native calls that throw redone on `twin`. */
export function degradingKernels(kernels: Kernels, twin: Kernels, hooks: KernelHooks = {}): Kernels {
  const wrapped: Record<string, unknown> = { implementation: kernels.implementation };
  for (const [name, value] of Object.entries(kernels)) {
    if (typeof value !== 'function') continue;
    const kernel = value as AnyKernel;
    const fallback = (twin as unknown as Record<string, unknown>)[name] as AnyKernel | undefined;
    if (kernels.implementation === 'js' || fallback === undefined || fallback === kernel) {
      wrapped[name] = (...args: unknown[]) => {
        hooks.onCall?.(name, kernels.implementation);
        return kernel(...args);
      };
      continue;
    }
    wrapped[name] = (...args: unknown[]) => {
      try {
        hooks.onCall?.(name, kernels.implementation);
        return kernel(...args);
      } catch (error) {
        if (error instanceof TypeError || error instanceof RangeError) throw error;
        hooks.onDegrade?.(name, error instanceof Error ? error : new Error(String(error)));
        hooks.onCall?.(name, twin.implementation);
        return fallback(...args);
      }
    };
  }
  return wrapped as unknown as Kernels;
}
