/**
 * Validity bitmaps, Arrow style: bit i (least significant first) is 1 when row i holds a value.
 * A column without a bitmap has no nulls.
 */

export function bitmapBytes(length: number): number {
  return (length + 7) >>> 3;
}

export function isValid(bitmap: Uint8Array | null, index: number): boolean {
  return bitmap === null || (bitmap[index >>> 3]! & (1 << (index & 7))) !== 0;
}

export function setValid(bitmap: Uint8Array, index: number, valid: boolean): void {
  if (valid) bitmap[index >>> 3]! |= 1 << (index & 7);
  else bitmap[index >>> 3]! &= ~(1 << (index & 7));
}

/** A bitmap with every bit of `length` rows set. */
export function allValid(length: number): Uint8Array {
  const bitmap = new Uint8Array(bitmapBytes(length)).fill(0xff);
  const tail = length & 7;
  if (tail !== 0) bitmap[bitmap.length - 1] = (1 << tail) - 1;
  return bitmap;
}

export function countNulls(bitmap: Uint8Array | null, length: number): number {
  if (bitmap === null) return 0;
  let valid = 0;
  for (let i = 0; i < length; i++) if ((bitmap[i >>> 3]! & (1 << (i & 7))) !== 0) valid++;
  return length - valid;
}

/**
 * Rows [start, start + length) of a bitmap. Byte-aligned starts share memory; other starts are
 * re-aligned into a copy (1/64 of a float64 column) so every kernel can assume bit 0 is row 0.
 */
export function sliceBitmap(bitmap: Uint8Array | null, start: number, length: number): Uint8Array | null {
  if (bitmap === null) return null;
  if ((start & 7) === 0) return bitmap.subarray(start >>> 3, (start >>> 3) + bitmapBytes(length));
  const out = new Uint8Array(bitmapBytes(length));
  for (let i = 0; i < length; i++) {
    const j = start + i;
    if ((bitmap[j >>> 3]! & (1 << (j & 7))) !== 0) out[i >>> 3]! |= 1 << (i & 7);
  }
  return out;
}

/** The bitmap of rows picked by `indices[0..count)`; null when the source had no nulls. */
export function takeBitmap(bitmap: Uint8Array | null, indices: ArrayLike<number>, count: number): Uint8Array | null {
  if (bitmap === null) return null;
  const out = new Uint8Array(bitmapBytes(count));
  for (let i = 0; i < count; i++) {
    const j = indices[i]!;
    if ((bitmap[j >>> 3]! & (1 << (j & 7))) !== 0) out[i >>> 3]! |= 1 << (i & 7);
  }
  return out;
}
