import { describe, expect, it } from 'vitest';
import { selectKernels } from '../src/index.js';

const native = selectKernels('native');

describe('native kernels: bad arguments from JS', () => {
  it('throw a TypeError naming the argument and the expected type', () => {
    const call = (f: () => unknown) => expect(f).toThrow(TypeError);
    call(() => native.compareI32(new Float64Array(1) as unknown as Int32Array, null, 'gt', 0, new Uint32Array(1)));
    expect(() => native.compareI64(new Int32Array(1) as unknown as BigInt64Array, null, 'gt', 0, new Uint32Array(1))).toThrow('values must be a BigInt64Array (got Int32Array)');
    expect(() => native.compareUtf8(new Int32Array([0, 1]), new Uint8Array(1), null, 'eq', 5 as unknown as string, new Uint32Array(1))).toThrow('needle must be a string (got number)');
    expect(() => native.groupedStatsF64(new Float64Array(1), new Int32Array(1), new Float64Array(5), -1, 0, 1, 2, 3)).toThrow(RangeError);
  });

  it('refuse an output that shares memory with an input', () => {
    const buffer = new ArrayBuffer(64);
    expect(() => native.takeI32(new Int32Array(buffer, 0, 4), new Uint32Array(2), new Int32Array(buffer, 8, 2))).toThrow('out must not share memory with values');
  });
});
