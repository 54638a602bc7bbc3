/**
 * FNV-1a (32-bit) over a string: stable across processes and languages, cheap, well spread —
 * what every sharded key of the platform uses to pick its partition.
 */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
