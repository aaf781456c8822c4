//! Criterion view of the kernels without Node: each kernel at 64K and 10M
//! rows beside the `sum_f64` scan of the same float64 bytes (the
//! memory-bandwidth floor). Run: `cargo bench -p sluice-core --bench kernels`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use sluice_core::{
    compare_dictionary, compare_f64, compare_i64, filter_grouped_stats_f64, grouped_stats_f64,
    grouped_stats_i32, grouped_stats_i64, grouped_stats_valid_f64, intern_pairs, sort_stable_f64, sum_f64, take,
    top_k_f64, CmpOp, StatsSlots, TypedSlots, TopKKey,
};

const SLOTS: StatsSlots = StatsSlots {
    stride: 4,
    rows: Some(0),
    sum: 1,
    min: 2,
    max: 3,
};

/// Synthetic-shaped columns: value in [0, 100) with three decimals, 50 codes.
fn columns(n: usize) -> (Vec<f64>, Vec<i32>, Vec<i64>) {
    let mut x: u32 = 42;
    let mut values = Vec::with_capacity(n);
    let mut codes = Vec::with_capacity(n);
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        values.push(f64::from(x % 100_000) / 1000.0);
        codes.push(((x >> 17) % 50) as i32);
    }
    let ts = (0..n as i64).map(|i| 1_700_000_000_000 + i).collect();
    (values, codes, ts)
}

fn empty_state() -> Vec<f64> {
    (0..50)
        .flat_map(|_| [0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY])
        .collect()
}

/// The typed grouped kernels' slots: rows, nulls, sum (lo), sum_hi, min, max.
const TYPED: TypedSlots = TypedSlots {
    stride: 6,
    rows: Some(0),
    nulls: Some(1),
    sum: Some(2),
    sum_hi: Some(3),
    min: Some(4),
    max: Some(5),
};

fn typed_state(words: bool) -> Vec<f64> {
    let (lo, hi) = if words {
        (f64::from_bits(i64::MAX as u64), f64::from_bits(i64::MIN as u64))
    } else {
        (f64::INFINITY, f64::NEG_INFINITY)
    };
    (0..50).flat_map(|_| [0.0, 0.0, -0.0, 0.0, lo, hi]).collect()
}

fn kernels(c: &mut Criterion) {
    let dictionary: String = (0..50).map(|i| format!("cat_{i:02}")).collect();
    let dict_offsets: Vec<i32> = (0..=50).map(|i| i * 6).collect();
    for n in [65_536usize, 10_000_000] {
        let (values, codes, ts) = columns(n);
        let mut out = vec![0u32; n];
        let k = compare_f64(&values, None, CmpOp::Gt, 90.0, &mut out).unwrap();
        let selection = out[..k].to_vec();
        let mut taken = vec![0.0; k];
        let mut group = c.benchmark_group(format!("{n} rows"));
        group.throughput(Throughput::Bytes((n * 8) as u64));
        if n > 1_000_000 {
            group.sample_size(10);
        }
        group.bench_function(BenchmarkId::new("sum_f64 (floor)", n), |b| {
            b.iter(|| sum_f64(black_box(&values)))
        });
        group.bench_function(BenchmarkId::new("compare_f64 gt 90", n), |b| {
            b.iter(|| compare_f64(black_box(&values), None, CmpOp::Gt, 90.0, &mut out))
        });
        group.bench_function(BenchmarkId::new("compare_i64 gt", n), |b| {
            b.iter(|| compare_i64(black_box(&ts), None, CmpOp::Gt, 1.7e12, &mut out))
        });
        group.bench_function(BenchmarkId::new("compare_dictionary eq", n), |b| {
            b.iter(|| {
                compare_dictionary(
                    black_box(&codes),
                    &dict_offsets,
                    dictionary.as_bytes(),
                    None,
                    CmpOp::Eq,
                    b"cat_07",
                    &mut out,
                )
            })
        });
        group.bench_function(BenchmarkId::new("take f64 (10% selection)", n), |b| {
            b.iter(|| take(black_box(&values), &selection, &mut taken))
        });
        group.bench_function(BenchmarkId::new("grouped_stats_f64", n), |b| {
            b.iter(|| grouped_stats_f64(black_box(&values), &codes, &mut empty_state(), SLOTS))
        });
        group.bench_function(BenchmarkId::new("filter_grouped_stats_f64 (fused)", n), |b| {
            b.iter(|| {
                filter_grouped_stats_f64(
                    black_box(&values),
                    None,
                    &codes,
                    CmpOp::Gt,
                    90.0,
                    &mut empty_state(),
                    SLOTS,
                )
            })
        });
        // One row in ten null, as in bench/kernels.mjs.
        let mut validity = vec![0xffu8; n.div_ceil(8)];
        for i in 0..n {
            if (i as u32).wrapping_mul(2_654_435_761).is_multiple_of(10) {
                validity[i / 8] &= !(1 << (i % 8));
            }
        }
        let users: Vec<i32> = codes.iter().zip(&values).map(|(&c, &v)| c * 1000 + v as i32).collect();
        let f64_slots = TypedSlots { sum_hi: None, ..TYPED };
        group.bench_function(BenchmarkId::new("grouped_stats_valid_f64 (10% null)", n), |b| {
            b.iter(|| {
                grouped_stats_valid_f64(black_box(&values), Some(&validity), &codes, &mut typed_state(false), f64_slots)
            })
        });
        group.bench_function(BenchmarkId::new("grouped_stats_i32 (10% null)", n), |b| {
            b.iter(|| grouped_stats_i32(black_box(&users), Some(&validity), &codes, &mut typed_state(false), f64_slots))
        });
        group.bench_function(BenchmarkId::new("grouped_stats_i64 (10% null)", n), |b| {
            b.iter(|| grouped_stats_i64(black_box(&ts), Some(&validity), &codes, &mut typed_state(true), TYPED))
        });
        // Two key columns (1,000 groups) in 64K-row batches, as the Grouper calls it.
        let users20: Vec<i32> = users.iter().map(|u| u % 20).collect();
        let mut pair_out = vec![0i32; 65_536];
        group.bench_function(BenchmarkId::new("intern_pairs (1,000 groups, 64K batches)", n), |b| {
            b.iter(|| {
                // Room for 1,000 keys plus one batch of new ones at load 1/2.
                let mut slots = vec![0i32; 4 * 262_144];
                slots.chunks_mut(4).for_each(|s| s[2] = -1);
                let mut count = 0;
                for (a, k) in codes.chunks(65_536).zip(users20.chunks(65_536)) {
                    count = intern_pairs(a, k, &mut slots, count, &mut pair_out, None).unwrap();
                }
                count
            })
        });
        let identity: Vec<u32> = (0..n as u32).collect();
        let mut permutation = identity.clone();
        group.bench_function(BenchmarkId::new("sort_stable_f64 (copy of identity + sort)", n), |b| {
            b.iter(|| {
                permutation.copy_from_slice(&identity);
                sort_stable_f64(black_box(&values), None, &mut permutation)
            })
        });
        // sort + limit 10 as the stage feeds it: 64K-row batches after the kept rows' keys
        // (copied in front), keys -value (desc) and user_id.
        let neg: Vec<f64> = values.iter().map(|v| -v).collect();
        let users_f64: Vec<f64> = users.iter().map(|&u| f64::from(u)).collect();
        let mut key_a = vec![0.0; 10 + 65_536];
        let mut key_b = vec![0.0; 10 + 65_536];
        let mut kept = [0u32; 10];
        group.bench_function(BenchmarkId::new("top_k_f64 k=10, 2 keys, 64K batches", n), |b| {
            b.iter(|| {
                let mut count = 0;
                for (va, vb) in neg.chunks(65_536).zip(users_f64.chunks(65_536)) {
                    let m = count + va.len();
                    key_a[count..m].copy_from_slice(va);
                    key_b[count..m].copy_from_slice(vb);
                    let keys = [
                        TopKKey { ord: &key_a[..m], classes: None },
                        TopKKey { ord: &key_b[..m], classes: None },
                    ];
                    let next = top_k_f64(&keys, m, count, 10, &mut kept).unwrap();
                    let head: Vec<(f64, f64)> =
                        kept[..next].iter().map(|&r| (key_a[r as usize], key_b[r as usize])).collect();
                    for (j, (x, y)) in head.into_iter().enumerate() {
                        key_a[j] = x;
                        key_b[j] = y;
                    }
                    count = next;
                }
                count
            })
        });
        group.finish();
    }
}

criterion_group!(benches, kernels);
criterion_main!(benches);
