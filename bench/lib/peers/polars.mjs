// Peer: nodejs-polars (lazy scan, so Polars may push the filter into the reader), as its docs show.
// Usage: node polars.mjs csv|ndjson q1|q2|q3 FILE  → result rows as JSON on stdout
import pl from 'nodejs-polars';

const [format, query, file] = process.argv.slice(2);
const scan = format === 'csv' ? pl.scanCSV(file) : pl.scanJson(file);
const value = pl.col('value');
const plans = {
  q1: () => scan.filter(value.gt(90)).select(pl.len().alias('n')),
  q2: () =>
    scan
      .filter(value.gt(90))
      .groupBy('category')
      .agg(pl.len().alias('n'), value.sum().alias('total'), value.mean().alias('mean'), value.min().alias('min'), value.max().alias('max'))
      .sort('category'),
  q3: () => scan.groupBy('user_id').agg(value.sum().alias('total')).sort(['total', 'user_id'], [true, false]).limit(10),
};
const df = await plans[query]().collect();
process.stdout.write(JSON.stringify(df.toRecords(), (_, v) => (typeof v === 'bigint' ? Number(v) : v)));
