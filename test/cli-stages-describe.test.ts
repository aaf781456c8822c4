import { describe, expect, it } from 'vitest';
import { sluice } from './helpers/cli.js';

describe('sluice stages', () => {
  it('lists every built-in stage type by kind', () => {
    const result = sluice(['stages']);
    expect(result.status).toBe(0);
    for (const type of ['synthetic', 'threshold_filter', 'json_file']) expect(result.stdout).toContain(type);
    expect(result.stdout.indexOf('sources:')).toBeLessThan(result.stdout.indexOf('synthetic'));
  });

  it('includes plugin stages with --plugin', () => {
    const result = sluice(['stages', '--plugin', 'examples/scale-plugin.mjs']);
    expect(result.stdout).toMatch(/scale\s+Multiplies a float64 column by a factor/);
  });
});

describe('sluice describe', () => {
  it('shows options with types, defaults and docs', () => {
    const result = sluice(['describe', 'threshold_filter']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/op\s+gt \| gte \| lt \| lte \| eq \| ne\s+required/);
    const synthetic = sluice(['describe', 'synthetic']).stdout;
    expect(synthetic).toMatch(/rows\s+integer\s+default 1000000\s+Number of rows to generate/);
  });

  it('--json prints the options as JSON Schema', () => {
    const schema = JSON.parse(sluice(['describe', 'json_file', '--json']).stdout);
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.format.enum).toEqual(['json', 'ndjson']);
    expect(schema.required).toEqual(['path']);
  });

  it('an unknown type suggests the closest one and exits 2', () => {
    const result = sluice(['describe', 'threshold_filtr']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown stage type "threshold_filtr" (did you mean "threshold_filter"?)');
  });

  it('every command has --help', () => {
    for (const command of ['run', 'validate', 'stages', 'describe']) {
      const result = sluice([command, '--help']);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`Usage: sluice ${command}`);
    }
  });
});
