import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatFamilies } from '../src/observe/prometheus.js';
import { sluice } from './helpers/cli.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reader of the text exposition format (0.0.4): every sample belongs to a family
 * announced by `# HELP` and `# TYPE` just before it, names and labels are well formed, values parse.
 */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  expect(text.endsWith('\n')).toBe(true);
  const types = new Map<string, string>();
  const helped = new Set<string>();
  const samples: Sample[] = [];
  let current: string | undefined;
  for (const line of text.slice(0, -1).split('\n')) {
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (help) {
      helped.add(help[1]!);
      current = help[1];
      continue;
    }
    if (type) {
      expect(helped.has(type[1]!), `TYPE ${type[1]} without HELP`).toBe(true);
      expect(types.has(type[1]!), `TYPE ${type[1]} twice`).toBe(false);
      types.set(type[1]!, type[2]!);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\})? (\S+)$/.exec(line);
    expect(sample, `not a sample line: ${line}`).not.toBeNull();
    const [, name, labelText, valueText] = sample!;
    expect(name).toBe(current);
    expect(types.has(name!)).toBe(true);
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    expect(Number.isNaN(value) && valueText !== 'NaN', `bad value ${valueText}`).toBe(false);
    const labels: Record<string, string> = {};
    for (const m of (labelText ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    samples.push({ name: name!, labels, value });
  }
  return { types, samples };
}

describe('--metrics-file', () => {
  it('writes the final metrics in Prometheus text format, per run and per stage', () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-prom-'));
    writeFileSync(join(dir, 'job.yaml'), 'source: { type: synthetic, rows: 120000 }\ntransforms:\n  - { type: threshold_filter, column: value, op: lt, value: 50 }\nsink: { type: json_file, path: out.json }\n');
    const result = sluice(['run', join(dir, 'job.yaml'), '--metrics-file', join(dir, 'metrics', 'sluice.prom'), '--quiet']);
    expect(result.status).toBe(0);
    const { types, samples } = parseExposition(readFileSync(join(dir, 'metrics', 'sluice.prom'), 'utf8'));
    const one = (name: string, labels: Record<string, string> = {}) => {
      const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
      expect(found, name).toHaveLength(1);
      return found[0]!.value;
    };
    expect(types.get('sluice_run_success')).toBe('gauge');
    expect(one('sluice_run_success')).toBe(1);
    expect(one('sluice_run_rows_in')).toBe(120_000);
    const kept = one('sluice_stage_rows_out', { stage: 'transforms[0]', type: 'threshold_filter' });
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(120_000);
    expect(one('sluice_stage_rows_in', { stage: 'sink', type: 'json_file' })).toBe(kept);
    expect(one('sluice_run_rows_out')).toBe(kept);
    expect(samples.every((s) => s.labels.job?.endsWith('job.yaml'))).toBe(true);
  });

  it('escapes label values so odd job names stay one well-formed sample', () => {
    const text = formatFamilies([{ name: 'x_total', help: 'a\\b\nc', type: 'counter', samples: [{ labels: { job: 'a "b"\\c\nd' }, value: 3 }] }]);
    const { samples } = parseExposition(text);
    expect(samples).toEqual([{ name: 'x_total', labels: { job: 'a "b"\\c\nd' }, value: 3 }]);
  });
});
