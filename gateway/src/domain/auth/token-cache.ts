import type { AuthUser } from "./user.ts";

interface Entry {
  user: AuthUser;
  /** Epoch ms after which the entry is worthless; never later than the token's `exp`. */
  expiresAtMs: number;
}

/**
 * Verified tokens by their exact text, so a repeat request skips the signature check (RS256 costs
 * ~35 µs, a real share of a core at 30k RPS). Bounded: past `maxEntries` the least recently used
 * token is dropped. A Map keeps insertion order, so re-inserting on a hit is the whole LRU.
 */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly maxEntries: number) {}

  /** The user of a cached, still-valid token; expired entries are dropped on sight. */
  get(token: string, nowMs: number): AuthUser | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    this.#entries.delete(token);
    if (nowMs >= entry.expiresAtMs) return undefined;
    this.#entries.set(token, entry);
    return entry.user;
  }

  /** Remembers a verified token until `expiresAtMs` (callers pass min(exp, their own cap)). */
  set(token: string, user: AuthUser, expiresAtMs: number, nowMs: number): void {
    if (this.maxEntries <= 0 || expiresAtMs <= nowMs) return;
    this.#entries.delete(token);
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, { user, expiresAtMs });
  }

  /** Number of cached tokens (for tests and a gauge). */
  get size(): number {
    return this.#entries.size;
  }
}
