/**
 * Equality of two byte strings in time that depends only on the longer
 * length, never on where they differ or whether the lengths match: every
 * byte pair is XORed into one accumulator, the lengths included.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  const length = Math.max(a.length, b.length);
  let difference = a.length ^ b.length;
  for (let i = 0; i < length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}
