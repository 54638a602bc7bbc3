/** The retry of seat transactions that lose to concurrent ones; failures read by the kit (kit/src/aws/store-errors.ts). */
import { AppError, cancellationReasons, type ItemFailure, storeFailure } from "@tt/kit";
import { InventoryConflictError } from "../domain/errors.ts";

/** Reasons DynamoDB gives a transaction item it throttled. */
const THROTTLED_REASONS = new Set([
  "ThrottlingError",
  "ProvisionedThroughputExceeded",
  "RequestLimitExceeded",
]);

/** True when a transaction lost only to concurrent transactions (no condition failed). */
function lostToConflict(reasons: ItemFailure[]): boolean {
  return (
    reasons.some((r) => r.code === "TransactionConflict") &&
    !reasons.some((r) => r.code === "ConditionalCheckFailed")
  );
}

/** A failure of the inventory's tables that is no domain outcome (504 past the deadline, else 503). */
export const storageError = (error: unknown) => storeFailure(error, "seat store");

/** How many times a transaction that lost to a concurrent one is tried in all. */
export const CONFLICT_ATTEMPTS = 3;

/**
 * Runs a transaction, retrying it with jittered backoff while it only loses to concurrent
 * transactions on the same items; then gives up with INVENTORY_CONFLICT (a 409 the caller may
 * retry). Condition failures are handed to `onConditionFailed` with the old items.
 */
export async function transact<T>(
  send: () => Promise<T>,
  onConditionFailed: (reasons: ItemFailure[]) => Promise<T> | T,
  onConflict: () => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw storageError(error);
      if (!lostToConflict(reasons)) {
        if (reasons.some((r) => r.code === "ConditionalCheckFailed")) return onConditionFailed(reasons);
        if (reasons.some((r) => THROTTLED_REASONS.has(r.code))) {
          throw new AppError("UPSTREAM_UNAVAILABLE", "The seat store is busy", {
            cause: error,
            retryAfterSec: 1,
          });
        }
        throw storageError(error);
      }
      onConflict();
      if (attempt >= CONFLICT_ATTEMPTS) throw new InventoryConflictError(error);
      // Jitter keeps the colliding writers from meeting again on the same beat.
      await Bun.sleep(5 * attempt + Math.random() * 20 * attempt);
    }
  }
}
