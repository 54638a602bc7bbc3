import { ApiError } from "./api.ts";
import type { HoldRequest } from "./buyer-api.ts";
import type { KeyValueStorage } from "./queue/place-store.ts";
import type { EnterAnswer, HoldAnswer } from "./types.ts";
import { newUuid } from "./uuid.ts";

/** A reservation token from `POST /queue/enter`, with when it stops working. */
export interface Admission {
  reservationToken: string;
  expiresAt: number;
}

// A token this close to its end is replaced before use: the hold request must still find it valid.
const SAFETY_MS = 5_000;

/**
 * Keeps the current reservation token per (user, event) in sessionStorage: it lives 30 s and is
 * single-use, so it only has to survive a reload of the seat page, never a new tab.
 */
export class AdmissionStore {
  constructor(private readonly storage: KeyValueStorage) {}

  private key(eventId: string, userId: string) {
    return `tt.admission.${userId}.${eventId}`;
  }

  /** The stored token if it is still comfortably valid at `nowMs`. */
  fresh(eventId: string, userId: string, nowMs: number): Admission | undefined {
    try {
      const raw = this.storage.getItem(this.key(eventId, userId));
      const a = raw === null ? undefined : (JSON.parse(raw) as Admission);
      return a && a.expiresAt - SAFETY_MS > nowMs ? a : undefined;
    } catch {
      return undefined;
    }
  }

  /** Remembers the answer of an enter call made at `nowMs`. */
  save(eventId: string, userId: string, answer: EnterAnswer, nowMs: number): Admission {
    const a = { reservationToken: answer.reservation_token, expiresAt: nowMs + answer.ttl_sec * 1000 };
    try {
      this.storage.setItem(this.key(eventId, userId), JSON.stringify(a));
    } catch {
      // Storage refused: the token is still returned to the caller for this attempt.
    }
    return a;
  }

  /** Forgets the token (spent on a hold). */
  clear(eventId: string, userId: string): void {
    try {
      this.storage.removeItem(this.key(eventId, userId));
    } catch {
      // See save.
    }
  }
}

/**
 * Idempotency keys per distinct request: pressing "Hold" again after a lost answer resends the
 * same key, so the gateway replays the first hold instead of attempting a second one; a
 * different request (other seats, new token) gets a new key.
 */
export class RequestKeys {
  private last: { signature: string; key: string } | undefined;

  /** The key for this request's signature. */
  keyFor(signature: string): string {
    if (this.last?.signature !== signature) this.last = { signature, key: newUuid() };
    return this.last.key;
  }
}

/** What {@link placeHold} needs. */
export interface HoldDeps {
  /** A usable reservation token; `renew` asks the queue for a new one even if one is stored. */
  reservationToken: (renew: boolean) => Promise<string>;
  hold: (request: HoldRequest, reservationToken: string, idempotencyKey: string) => Promise<HoldAnswer>;
  keys: RequestKeys;
}

/**
 * Holds seats with a reservation token. A token can go stale between pages (30 s lifetime, or
 * already spent by a hold that then expired), so one RESERVATION_TOKEN_INVALID is answered by
 * entering again, which an admitted buyer may do until their admission window closes.
 */
export async function placeHold(request: HoldRequest, deps: HoldDeps): Promise<HoldAnswer> {
  const attempt = async (renew: boolean) => {
    const token = await deps.reservationToken(renew);
    return deps.hold(request, token, deps.keys.keyFor(JSON.stringify([token, request])));
  };
  try {
    return await attempt(false);
  } catch (error) {
    if (error instanceof ApiError && error.code === "RESERVATION_TOKEN_INVALID") return attempt(true);
    throw error;
  }
}
