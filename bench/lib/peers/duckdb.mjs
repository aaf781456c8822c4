// Peer: DuckDB through @duckdb/node-api, reading the file with its own readers.
// Usage: node duckdb.mjs csv|ndjson q1|q2|q3 FILE  → result rows as JSON on stdout
import { DuckDBInstance } from '@duckdb/node-api';

const [format, query, file] = process.argv.slice(2);
const from = format === 'csv' ? `read_csv('${file}')` : `read_json('${file}', format = 'newline_delimited')`;
const sql = {
  q1: `select count(*) as n from ${from} where value > 90`,
  q2: `select category, count(*) as n, sum(value) as total, avg(value) as mean, min(value) as min, max(value) as max from ${from} where value > 90 group by category order by category`,
  q3: `select user_id, sum(value) as total from ${from} group by user_id order by total desc, user_id asc limit 10`,
}[query];
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const reader = await connection.runAndReadAll(sql);
process.stdout.write(JSON.stringify(reader.getRowObjectsJS(), (_, v) => (typeof v === 'bigint' ? Number(v) : v)));
