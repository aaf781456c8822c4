import { createRequire } from 'node:module';

const addon = createRequire(import.meta.url)('../../native/index.cjs') as { __testArmKernelPanic(kernel: string, nthCall: number): void };

/**
 * Makes the native `kernel` panic (a real Rust panic, caught at the napi boundary) on its
 * `nthCall`-th call from now; 0 disarms it. A test-only export of the addon.
 */
export function armKernelPanic(kernel: string, nthCall: number): void {
  addon.__testArmKernelPanic(kernel, nthCall);
}
