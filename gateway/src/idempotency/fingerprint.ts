/** The parts of a request that make it "the same request" for an Idempotency-Key. */
export interface RequestParts {
  method: string;
  /** Path and query string. */
  path: string;
  userId: string | undefined;
  body: unknown;
}

/**
 * A digest of method, path, user and body. The body is compared by content, with object keys
 * sorted, so a client that re-serialises the same JSON in another key order is not told its
 * retry is a different request.
 */
export function requestFingerprint(parts: RequestParts): string {
  const text = JSON.stringify([parts.method, parts.path, parts.userId ?? "", canonical(parts.body ?? null)]);
  return new Bun.CryptoHasher("sha256").update(text).digest("base64url");
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    // JSON.stringify follows insertion order, so re-inserting sorted keys is a canonical form.
    const keys = Object.keys(value).sort();
    return Object.fromEntries(keys.map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}
