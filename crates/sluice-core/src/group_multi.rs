//! Group ids of several key columns: each row's pair of ids (the group so far,
//! the next column's local id) interned in an open-addressing hash table that
//! lives in caller memory, so that the TypeScript `PairTable`
//! (`aggregate/hash.ts`) and this kernel share one table and one id order.
//!
//! Table layout (the TypeScript one): `slots.len() / 4` slots, a power of
//! two; slot `s` is four `i32`s — key a, key b, id (`-1` when free), unused.
//! Linear probing from `hash(a, b) & mask`, with the TypeScript hash (murmur3
//! finaliser over a multiplicative combine) bit for bit. New keys get ids
//! `count, count + 1, …` in row order, so ids are dense and in order of first
//! appearance whichever implementation ran.

use crate::CoreError;

const EMPTY: i32 = -1;

/// The 32-bit mix of `aggregate/hash.ts`, on wrapping `u32` arithmetic
/// (`Math.imul` and `>>>`).
#[inline(always)]
fn hash(a: i32, b: i32) -> u32 {
    let mut h = (a as u32).wrapping_mul(0x9e37_79b1) ^ b as u32;
    h = (h ^ (h >> 16)).wrapping_mul(0x85eb_ca6b);
    h = (h ^ (h >> 13)).wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// Interns the pairs `(a[i], b[i])` into the table `slots` holding `count`
/// keys, writes each row's id into `out[i]`, and returns the new key count.
/// With `keys`, the pair of each new id is also written to
/// `keys.0[id]`, `keys.1[id]` (the group's local ids per column).
///
/// The caller sizes the table for the worst case (every row new) so that the
/// kernel never grows it: `2 · (count + rows) <= slots.len() / 4`.
///
/// # Errors
/// [`CoreError::LengthMismatch`] when `b` or `out` is shorter than `a`, the
/// table is not a power of two slots or has no room for `count + rows`
/// keys at load 1/2 (arg `slots`), or a `keys` array cannot hold
/// `count + rows` ids — all before anything is written.
pub fn intern_pairs(
    a: &[i32],
    b: &[i32],
    slots: &mut [i32],
    count: usize,
    out: &mut [i32],
    keys: Option<(&mut [i32], &mut [i32])>,
) -> Result<usize, CoreError> {
    let n = a.len();
    crate::check_column(n, None)?;
    for (arg, got) in [("b", b.len()), ("out", out.len())] {
        if got < n {
            return Err(CoreError::LengthMismatch {
                arg,
                needed: n,
                got,
            });
        }
    }
    let capacity = slots.len() / 4;
    let needed = 2 * (count + n);
    if !slots.len().is_multiple_of(4)
        || !capacity.is_power_of_two()
        || capacity < needed
        || count + n > i32::MAX as usize
    {
        return Err(CoreError::LengthMismatch {
            arg: "slots",
            needed: 4 * needed.next_power_of_two(),
            got: slots.len(),
        });
    }
    if let Some((k0, k1)) = &keys {
        for (arg, got) in [("keysA", k0.len()), ("keysB", k1.len())] {
            if got < count + n {
                return Err(CoreError::LengthMismatch {
                    arg,
                    needed: count + n,
                    got,
                });
            }
        }
    }
    let mask = capacity - 1;
    let mut next = count;
    let mut keys = keys;
    for i in 0..n {
        let (x, y) = (a[i], b[i]);
        let mut at = (hash(x, y) as usize & mask) * 4;
        // Terminates: the load stays below 1/2, so a free slot exists.
        let id = loop {
            let id = slots[at + 2];
            if id == EMPTY {
                let id = next as i32;
                slots[at] = x;
                slots[at + 1] = y;
                slots[at + 2] = id;
                if let Some((k0, k1)) = keys.as_mut() {
                    k0[next] = x;
                    k1[next] = y;
                }
                next += 1;
                break id;
            }
            if slots[at] == x && slots[at + 1] == y {
                break id;
            }
            at = (at + 4) & (mask * 4 + 3);
        };
        out[i] = id;
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(capacity: usize) -> Vec<i32> {
        (0..capacity * 4)
            .map(|w| if w % 4 == 2 { EMPTY } else { 0 })
            .collect()
    }

    #[test]
    fn hash_matches_the_typescript_mix() {
        // Values computed with aggregate/hash.ts's hash() in Node.
        assert_eq!(hash(1, 2) as i32, 2_117_216_093);
        assert_eq!(hash(-5, 123_456) as i32, -1_922_695_839);
        assert_eq!(hash(i32::MAX, i32::MIN) as i32, 387_900_469);
    }

    #[test]
    fn dense_ids_in_first_appearance_order_with_keys() {
        let mut slots = table(64);
        let a = [3, 1, 3, -7, 1, 3];
        let b = [0, 0, 0, 5, 0, 1];
        let mut out = [0; 6];
        let (mut k0, mut k1) = (vec![0; 6], vec![0; 6]);
        let count =
            intern_pairs(&a, &b, &mut slots, 0, &mut out, Some((&mut k0, &mut k1))).unwrap();
        assert_eq!(count, 4);
        assert_eq!(out, [0, 1, 0, 2, 1, 3]);
        assert_eq!(
            (&k0[..4], &k1[..4]),
            (&[3, 1, -7, 3][..], &[0, 0, 5, 1][..])
        );
        // A second call continues the same table.
        let mut out2 = [0; 2];
        let count = intern_pairs(&[9, -7], &[9, 5], &mut slots, count, &mut out2, None).unwrap();
        assert_eq!((count, out2), (5, [4, 2]));
    }

    #[test]
    fn refuses_a_table_without_room() {
        let mut slots = table(8);
        let mut out = [0; 5];
        assert_eq!(
            intern_pairs(&[1; 5], &[1; 5], &mut slots, 0, &mut out, None),
            Err(CoreError::LengthMismatch {
                arg: "slots",
                needed: 64,
                got: 32
            })
        );
        assert!(slots.chunks(4).all(|s| s[2] == EMPTY));
    }
}
