// Random ids made on every request (span ids, waiting tokens) come from one pooled CSPRNG
// buffer: crypto.randomBytes per id cost ≈ 0.5 µs, the pool ≈ 0.05 µs. Each byte is used once.
const pool = Buffer.alloc(4096);
let at = pool.length;

/** `bytes` fresh cryptographically random bytes, encoded as hex or base64url. */
export function randomString(bytes: number, encoding: "hex" | "base64url"): string {
  if (at + bytes > pool.length) {
    crypto.getRandomValues(pool);
    at = 0;
  }
  const text = pool.toString(encoding, at, at + bytes);
  at += bytes;
  return text;
}
