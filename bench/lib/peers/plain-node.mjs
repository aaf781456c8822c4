// Peer: the script a typical Node user writes: readline over a file stream, split or JSON.parse
// per line, a Map per group. No libraries.
// Usage: node plain-node.mjs csv|ndjson q1|q2|q3 FILE  → result rows as JSON on stdout
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const [format, query, file] = process.argv.slice(2);
const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
let header = null;
let userAt, categoryAt, valueAt;
let count = 0;
const groups = new Map();
for await (const line of lines) {
  if (line === '') continue;
  let row;
  if (format === 'csv') {
    const fields = line.split(',');
    if (header === null) {
      header = fields;
      [userAt, categoryAt, valueAt] = ['user_id', 'category', 'value'].map((c) => header.indexOf(c));
      continue;
    }
    row = { user_id: Number(fields[userAt]), category: fields[categoryAt], value: Number(fields[valueAt]) };
  } else {
    row = JSON.parse(line);
  }
  if (query === 'q1') {
    if (row.value > 90) count++;
  } else if (query === 'q2') {
    if (!(row.value > 90)) continue;
    const g = groups.get(row.category);
    if (g) {
      g.n++;
      g.total += row.value;
      if (row.value < g.min) g.min = row.value;
      if (row.value > g.max) g.max = row.value;
    } else groups.set(row.category, { n: 1, total: row.value, min: row.value, max: row.value });
  } else {
    groups.set(row.user_id, (groups.get(row.user_id) ?? 0) + row.value);
  }
}
let result;
if (query === 'q1') result = [{ n: count }];
else if (query === 'q2')
  result = [...groups]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([category, g]) => ({ category, n: g.n, total: g.total, mean: g.total / g.n, min: g.min, max: g.max }));
else
  result = [...groups]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, 10)
    .map(([user_id, total]) => ({ user_id, total }));
process.stdout.write(JSON.stringify(result));
