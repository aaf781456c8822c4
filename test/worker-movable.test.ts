import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { movable } from '../src/runtime/worker.js';

// The worker marks its results movable without loading piscina's pool module (which holds
// `Piscina.move`); piscina's worker decides by its own `isMovable` whether a result's buffers are
// moved or the result is cloned without them. Checked here with piscina's own functions.
const require = createRequire(import.meta.url);
const dist = dirname(require.resolve('piscina'));
const { isMovable } = require(join(dist, 'common.js')) as { isMovable: (value: unknown) => boolean };
const { Piscina } = require('piscina') as typeof import('piscina');

describe('a worker result marked movable', () => {
  it('is what piscina moves: its isMovable holds, with the transfer list and value under its symbols', () => {
    const buffer = new ArrayBuffer(8);
    const value = { batches: [buffer] };
    const wrapped = movable(value, [buffer]) as Record<symbol, unknown>;
    expect(isMovable(wrapped)).toBe(true);
    expect(wrapped[Piscina.transferableSymbol]).toEqual([buffer]);
    expect(wrapped[Piscina.valueSymbol]).toBe(value);
  });

  it('is marked the way Piscina.move marks it', () => {
    const moved = Piscina.move({ [Piscina.transferableSymbol]: [], [Piscina.valueSymbol]: 1 } as never);
    const ours = movable(1, []);
    expect(Object.getOwnPropertySymbols(ours).sort((a, b) => String(a).localeCompare(String(b)))).toEqual(
      Object.getOwnPropertySymbols(moved).sort((a, b) => String(a).localeCompare(String(b))),
    );
  });
});
