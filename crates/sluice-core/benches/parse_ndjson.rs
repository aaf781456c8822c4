//! The NDJSON parser alone (no Node): lines of the canonical events shape
//! (`{"id":…,"ts":…,"user_id":…,"category":"cat_NN","value":…}`, as the
//! json_file sink writes them) into typed columns, in 64K-row batches, with
//! the schema inference gives them (int64, int64, int64, utf8, float64).
//! Thread CPU time (not wall time: the machine is shared), median of 7 runs:
//!   cargo bench -p sluice-core --bench parse_ndjson [-- ROWS]

/// CPU time of this thread in seconds: on a shared machine wall time mostly measures the others.
fn thread_cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is valid for a write.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

use sluice_core::csv::{ColumnBuf, ColumnOut};
use sluice_core::ndjson::{check_utf8, NdjsonParser, NdjsonType, SchemaOrigin};

/// Rows shaped like the synthetic source's, from a fixed-seed xorshift.
fn lines(rows: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows * 84);
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
            "{{\"id\":{id},\"ts\":{},\"user_id\":{},\"category\":\"cat_{:02}\",\"value\":{}}}\n",
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
    let rows: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(2_000_000);
    let input = lines(rows);
    let batch = 65_536;
    let names = ["id", "ts", "user_id", "category", "value"]
        .map(String::from)
        .to_vec();
    let types = vec![
        NdjsonType::Int64,
        NdjsonType::Int64,
        NdjsonType::Int64,
        NdjsonType::Utf8,
        NdjsonType::Float64,
    ];
    let origin = SchemaOrigin {
        declared: false,
        sample_lines: Some(1000),
    };
    let mut ids = vec![0i64; batch];
    let mut ts = vec![0i64; batch];
    let mut users = vec![0i64; batch];
    let mut cats = vec![0i32; batch];
    let mut values = vec![0f64; batch];
    let mut validity = vec![vec![0xffu8; batch / 8]; 5];
    let mut times = Vec::new();
    for _ in 0..7 {
        let mut parser = NdjsonParser::new(names.clone(), types.clone(), origin);
        let started = thread_cpu_seconds();
        check_utf8(&input, 1).unwrap();
        let (mut pos, mut line, mut total) = (0, 1, 0);
        while pos < input.len() {
            let [v0, v1, v2, v3, v4] = &mut validity[..] else {
                unreachable!()
            };
            let mut columns = vec![
                ColumnOut {
                    values: ColumnBuf::Int64(&mut ids),
                    validity: v0,
                },
                ColumnOut {
                    values: ColumnBuf::Int64(&mut ts),
                    validity: v1,
                },
                ColumnOut {
                    values: ColumnBuf::Int64(&mut users),
                    validity: v2,
                },
                ColumnOut {
                    values: ColumnBuf::Utf8(&mut cats),
                    validity: v3,
                },
                ColumnOut {
                    values: ColumnBuf::Float64(&mut values),
                    validity: v4,
                },
            ];
            let chunk = parser
                .parse(&input[pos..], true, line, &mut columns, 0, batch)
                .unwrap();
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
    let median = times[times.len() / 2];
    println!(
        "parse_ndjson: {rows} rows, {} bytes: median {:.1} ms of thread CPU time, {:.0} MB/s",
        input.len(),
        median * 1e3,
        input.len() as f64 / 1e6 / median
    );
}
