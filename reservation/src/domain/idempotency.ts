import { type IdempotencyClaim, type IdempotencyRecord, judge } from "@tt/kit";
import { ReservationError } from "./errors.ts";
import type { ReservationMetrics } from "./ports.ts";

/** A result and whether it was replayed from an earlier request with the same key. */
export interface Outcome<T> {
  value: T;
  replayed: boolean;
}

/**
 * What an earlier request under the same key means for this one: its stored answer (a replay),
 * IDEMPOTENCY_CONFLICT when it was a different request, or undefined when there is none in the
 * window (the caller's own outcome stands).
 */
export function replayOf<T>(
  record: IdempotencyRecord | undefined,
  claim: IdempotencyClaim,
  now: number,
  metrics: ReservationMetrics,
): Outcome<T> | undefined {
  const verdict = judge(record, claim.fingerprint, now);
  if (verdict.kind === "fresh") return undefined;
  if (verdict.kind === "conflict") {
    metrics.idempotencyHit("conflict");
    throw new ReservationError(
      "IDEMPOTENCY_CONFLICT",
      "This idempotency key was used for a different request",
    );
  }
  metrics.idempotencyHit("replayed");
  return { value: JSON.parse(verdict.result) as T, replayed: true };
}
