//! Helpers shared by the parsers' unit tests.

use crate::csv::{ColumnBuf, ColumnOut, CsvType};

/// Column buffers for `types`, `rows` long, as a caller of `parse` owns them.
pub(crate) struct Buffers {
    pub(crate) f64s: Vec<Vec<f64>>,
    pub(crate) i64s: Vec<Vec<i64>>,
    pub(crate) i32s: Vec<Vec<i32>>,
    pub(crate) u8s: Vec<Vec<u8>>,
    pub(crate) validity: Vec<Vec<u8>>,
}

impl Buffers {
    pub(crate) fn new(types: &[CsvType], rows: usize) -> Buffers {
        let n = types.len();
        Buffers {
            f64s: vec![vec![0f64; rows]; n],
            i64s: vec![vec![0i64; rows]; n],
            i32s: vec![vec![0i32; rows]; n],
            u8s: vec![vec![0u8; rows]; n],
            validity: vec![vec![0xffu8; rows.div_ceil(8)]; n],
        }
    }

    /// The `columns` argument of `parse`: column `c` writes into its buffer of `types[c]`.
    pub(crate) fn columns(&mut self, types: &[CsvType]) -> Vec<ColumnOut<'_>> {
        let mut f = self.f64s.iter_mut();
        let mut i = self.i64s.iter_mut();
        let mut i3 = self.i32s.iter_mut();
        let mut u = self.u8s.iter_mut();
        types
            .iter()
            .zip(self.validity.iter_mut())
            .map(|(ty, validity)| {
                let (f, i, i3, u) = (
                    f.next().unwrap(),
                    i.next().unwrap(),
                    i3.next().unwrap(),
                    u.next().unwrap(),
                );
                let values = match ty {
                    CsvType::Float64 => ColumnBuf::Float64(f),
                    CsvType::Int64 => ColumnBuf::Int64(i),
                    CsvType::Int32 => ColumnBuf::Int32(i3),
                    CsvType::Bool => ColumnBuf::Bool(u),
                    CsvType::Utf8 => ColumnBuf::Utf8(i3),
                };
                ColumnOut { values, validity }
            })
            .collect()
    }

    pub(crate) fn is_valid(&self, c: usize, r: usize) -> bool {
        self.validity[c][r >> 3] & (1 << (r & 7)) != 0
    }
}

/// A fixed-seed xorshift: `next(n)` is a pseudo-random number below `n`.
pub(crate) fn xorshift(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut state = seed;
    move |n| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    }
}
