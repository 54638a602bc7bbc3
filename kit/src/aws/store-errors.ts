/**
 * What a DynamoDB failure means, read the same way by every store: the per-item reasons of a
 * cancelled transaction (which condition failed, and the item as it was), and the catalogue error
 * for anything that is not a domain outcome. No SDK exception reaches a domain.
 */
import { type AttributeValue, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { AppError } from "../errors.ts";

/** One cancellation reason per transaction item, in item order. */
export interface ItemFailure {
  /** `ConditionalCheckFailed`, `TransactionConflict`, `ThrottlingError`, … or `None`. */
  code: string;
  /** The item as it was (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), when it existed. */
  old: Record<string, AttributeValue> | undefined;
}

/** The per-item reasons of a cancelled transaction, or undefined for any other error. */
export function cancellationReasons(error: unknown): ItemFailure[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((r) => ({ code: r.Code ?? "None", old: r.Item }));
}

/** Whether a cancelled transaction failed on the condition of its `index`-th item (-1: never). */
export function conditionFailedAt(error: unknown, index: number): boolean {
  // Read in place: callers ask item by item, and need no copy of the reasons for it.
  return (
    index >= 0 &&
    error instanceof TransactionCanceledException &&
    error.CancellationReasons?.[index]?.Code === "ConditionalCheckFailed"
  );
}

const DEADLINES = new Set(["TimeoutError", "RequestTimeout", "AbortError"]);

/**
 * A store failure that is no domain outcome, as the catalogue says it: a call past its deadline
 * is UPSTREAM_TIMEOUT (504); anything else — throttling the client's own retries outlasted, an
 * outage, a refused connection, or a request the store rejected — is UPSTREAM_UNAVAILABLE (503,
 * retry in a second), never a 500. The cause stays on the error for the log line. An AppError
 * (an answer already in the catalogue's terms) passes unchanged.
 */
export function storeFailure(error: unknown, store: string): AppError {
  if (error instanceof AppError) return error;
  const name = (error as { name?: string } | undefined)?.name ?? "";
  if (DEADLINES.has(name)) {
    return new AppError("UPSTREAM_TIMEOUT", `The ${store} did not answer in time`, { cause: error });
  }
  return new AppError("UPSTREAM_UNAVAILABLE", `The ${store} is unavailable`, {
    cause: error,
    retryAfterSec: 1,
  });
}
