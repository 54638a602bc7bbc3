import { createHash } from "node:crypto";
import { AppError } from "@tt/kit";
import type { IdempotencyScope, IdempotencyStore, ReservationMetrics } from "./ports.ts";

/** A result and whether it was replayed from an earlier request with the same key. */
export interface Outcome<T> {
  value: T;
  replayed: boolean;
}

// Key order must not change the hash: the same request sent by two clients that serialise
// objects differently is still the same request.
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) of a request's canonical JSON, operation name included. */
export function requestHash(operation: string, request: unknown): string {
  return createHash("sha256").update(canonical({ operation, request })).digest("hex");
}

/**
 * Runs `run` at most once per (user, key) within the store's window: the first request claims
 * the key, a repeat of the same request gets the stored result, a different request under the
 * same key is IDEMPOTENCY_CONFLICT, and a repeat while the first still runs is
 * IDEMPOTENCY_IN_PROGRESS. A failed run gives the key up so the client may retry it.
 */
export async function runOnce<T>(
  deps: { store: IdempotencyStore; metrics: ReservationMetrics; now: () => number },
  scope: IdempotencyScope,
  hash: string,
  run: () => Promise<T>,
): Promise<Outcome<T>> {
  const claim = await deps.store.begin(scope, hash, deps.now());
  switch (claim.kind) {
    case "replay":
      deps.metrics.idempotencyHit("replayed");
      return { value: JSON.parse(claim.response) as T, replayed: true };
    case "conflict":
      deps.metrics.idempotencyHit("conflict");
      throw new AppError("IDEMPOTENCY_CONFLICT", "This idempotency key was used for a different request");
    case "in_progress":
      deps.metrics.idempotencyHit("in_progress");
      throw new AppError("IDEMPOTENCY_IN_PROGRESS", "A request with this idempotency key is still running", {
        retryAfterSec: 1,
      });
  }
  let value: T;
  try {
    value = await run();
  } catch (error) {
    await deps.store.release(scope, claim.token).catch(() => undefined);
    throw error;
  }
  // The work is done and the caller should hear so even if the record cannot be finished: a
  // retry then meets IN_PROGRESS until the claim's lease runs out, which is the lesser harm.
  await deps.store.complete(scope, claim.token, JSON.stringify(value), deps.now()).catch(() => undefined);
  return { value, replayed: false };
}
