/** Translation of DynamoDB failures into domain errors, and the retry of transaction conflicts. */
import {
  type AttributeValue,
  type CancellationReason,
  TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import { AppError } from "@tt/kit";
import { InventoryConflictError } from "../domain/errors.ts";

const THROTTLED = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
]);

const THROTTLED_REASONS = new Set([
  "ThrottlingError",
  "ProvisionedThroughputExceeded",
  "RequestLimitExceeded",
]);

/** One cancellation reason per transaction item, in item order. */
export interface ItemFailure {
  code: string;
  /** The item as it was (ReturnValuesOnConditionCheckFailure ALL_OLD), when it existed. */
  old: Record<string, AttributeValue> | undefined;
}

/** The per-item reasons of a cancelled transaction, or undefined for any other error. */
export function cancellationReasons(error: unknown): ItemFailure[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((r: CancellationReason) => ({
    code: r.Code ?? "None",
    old: r.Item,
  }));
}

/** True when a transaction lost only to concurrent transactions (no condition failed). */
function lostToConflict(reasons: ItemFailure[]): boolean {
  return (
    reasons.some((r) => r.code === "TransactionConflict") &&
    !reasons.some((r) => r.code === "ConditionalCheckFailed")
  );
}

/**
 * A storage failure that is not a domain outcome: throttling and outages become 503, deadlines
 * 504; anything else is a bug (bad request shape) and stays a plain error (500, logged).
 */
export function storageError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const name = (error as { name?: string }).name ?? "";
  if (name === "TimeoutError" || name === "RequestTimeout" || name === "AbortError") {
    return new AppError("UPSTREAM_TIMEOUT", "The seat store did not answer in time", { cause: error });
  }
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const network = (error as { code?: string }).code;
  if (THROTTLED.has(name) || (status !== undefined && status >= 500) || network === "ECONNREFUSED") {
    return new AppError("UPSTREAM_UNAVAILABLE", "The seat store is unavailable", {
      cause: error,
      retryAfterSec: 1,
    });
  }
  return error;
}

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
