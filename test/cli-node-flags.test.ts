// `sluice` starts node with a larger initial old space (see the first line of src/cli/main.ts):
// the flags must stay ones this node accepts, and the command must run with them.
import { describe, expect, it } from 'vitest';
import { cliNodeFlags, sluice } from './helpers/cli.js';

describe('the node flags of the sluice command', () => {
  it('set the initial old space, and node runs the command with them', () => {
    expect(cliNodeFlags()).toEqual(['--initial-old-space-size=128']);
    const result = sluice(['--version']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
