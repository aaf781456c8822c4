//! The CSV parser alone (no Node): bytes of the canonical table shape
//! (id,ts,user_id,category,value) into typed columns, in 64K-row batches.
//! Thread CPU time (not wall time: the machine is shared), median of 7 runs:
//!   cargo bench -p sluice-core --bench parse_csv [-- ROWS | FILE.csv]
//! A FILE.csv of that shape (e.g. bench/data/events-10000000.csv) is read instead of the
//! generated rows, header line skipped, so the core can be set beside `npm run bench:parsers`.

/// CPU time of this thread in seconds: on a shared machine wall time mostly measures the others.
fn thread_cpu_seconds() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is valid for a write.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

use sluice_core::csv::{ColumnBuf, ColumnOut, CsvParser, CsvType};

/// Rows shaped like the synthetic source's, from a fixed-seed xorshift.
fn table(rows: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows * 42);
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for id in 0..rows {
        let r = next();
        let line = format!(
            "{id},{},{},cat_{:02},{}\n",
            1_767_225_600_000u64 + id as u64 * 1000 + r % 1000,
            r % 100_000,
            (r >> 20) % 50,
            ((r >> 32) % 100_000) as f64 / 1000.0
        );
        out.extend_from_slice(line.as_bytes());
    }
    out
}

fn main() {
    let file = std::env::args().skip(1).find(|a| a.ends_with(".csv"));
    let (rows, input) = match file {
        Some(path) => {
            let bytes = std::fs::read(&path).expect("the csv file is readable");
            let body = bytes[bytes.iter().position(|&b| b == b'\n').unwrap() + 1..].to_vec();
            (body.iter().filter(|&&b| b == b'\n').count(), body)
        }
        None => {
            let rows: usize = std::env::args()
                .skip(1)
                .find_map(|a| a.parse().ok())
                .unwrap_or(2_000_000);
            (rows, table(rows))
        }
    };
    let full = [
        Some(CsvType::Int64),
        Some(CsvType::Int64),
        Some(CsvType::Int32),
        Some(CsvType::Utf8),
        Some(CsvType::Float64),
    ];
    // Q2 of the canonical data set reads category and value only.
    let q2 = [None, None, None, Some(CsvType::Utf8), Some(CsvType::Float64)];
    let only = std::env::var("PARSE_CSV_ONLY").ok();
    for (name, fields) in [("all 5 columns", full), ("category + value (others skipped)", q2)] {
        if only.as_deref().is_some_and(|o| !name.starts_with(o)) {
            continue;
        }
        let median = median_seconds(&input, rows, &fields);
        println!(
            "parse_csv, {name}: {rows} rows, {} bytes: median {:.1} ms of thread CPU time, {:.0} MB/s",
            input.len(),
            median * 1e3,
            input.len() as f64 / 1e6 / median
        );
    }
}

/// The median over 7 reads of the whole input in 64K-row batches.
fn median_seconds(input: &[u8], rows: usize, fields: &[Option<CsvType>]) -> f64 {
    let batch = 65_536;
    let mut ids = vec![0i64; batch];
    let mut ts = vec![0i64; batch];
    let mut users = vec![0i32; batch];
    let mut cats = vec![0i32; batch];
    let mut values = vec![0f64; batch];
    let mut validity = vec![vec![0xffu8; batch / 8]; 5];
    let mut times = Vec::new();
    for _ in 0..7 {
        let mut parser = CsvParser::projected(fields.to_vec(), b',');
        let started = thread_cpu_seconds();
        let (mut pos, mut line, mut total) = (0, 1, 0);
        while pos < input.len() {
            let [v0, v1, v2, v3, v4] = &mut validity[..] else { unreachable!() };
            let all = [
                ColumnOut { values: ColumnBuf::Int64(&mut ids), validity: v0 },
                ColumnOut { values: ColumnBuf::Int64(&mut ts), validity: v1 },
                ColumnOut { values: ColumnBuf::Int32(&mut users), validity: v2 },
                ColumnOut { values: ColumnBuf::Utf8(&mut cats), validity: v3 },
                ColumnOut { values: ColumnBuf::Float64(&mut values), validity: v4 },
            ];
            let mut columns: Vec<ColumnOut<'_>> = all
                .into_iter()
                .zip(fields)
                .filter_map(|(out, field)| field.map(|_| out))
                .collect();
            let chunk = parser.parse(&input[pos..], true, line, &mut columns, 0, batch).unwrap();
            assert!(chunk.error.is_none());
            pos += chunk.consumed;
            line = chunk.line;
            total += chunk.rows;
            parser.clear_dictionaries();
        }
        assert_eq!(total, rows);
        times.push(thread_cpu_seconds() - started);
    }
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}
