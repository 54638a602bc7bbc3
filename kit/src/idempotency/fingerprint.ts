/**
 * What makes two requests "the same request" under one Idempotency-Key: a SHA-256 of their
 * canonical JSON. Object keys are sorted and undefined members dropped, so a client that
 * re-serialises the same request in another key order is not told its retry is a different one.
 * Every idempotency check in the platform uses this one function.
 */

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === "bigint") return value.toString();
  if (value !== null && typeof value === "object") {
    // JSON.stringify follows insertion order, so re-inserting sorted keys is a canonical form.
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

/** The fingerprint of a request (any JSON-like value; bigints allowed), base64url SHA-256. */
export function fingerprint(request: unknown): string {
  return new Bun.CryptoHasher("sha256")
    .update(JSON.stringify(canonical(request) ?? null))
    .digest("base64url");
}
