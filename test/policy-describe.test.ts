import { describe, expect, it } from 'vitest';
import { sluice } from './helpers/cli.js';

describe('sluice describe', () => {
  it('lists the common options any stage accepts, with their types, defaults and units', () => {
    const result = sluice(['describe', 'threshold_filter']);
    expect(result.status).toBe(0);
    const common = result.stdout.slice(result.stdout.indexOf('common options'));
    expect(common).toMatch(/^common options \(any stage; times in ms/);
    for (const key of ['retry', 'timeout', 'circuit_breaker', 'on_error', 'ordered', 'optional']) expect(common).toMatch(new RegExp(`^  ${key} `, 'm'));
    expect(common).toMatch(/^ {2}on_error +fail \| skip \| dead_letter +default "fail"/m);
    expect(common).toMatch(/^ {2}timeout +integer .* ms$/m);
  });
});
