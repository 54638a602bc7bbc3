import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { PaymentError } from "../domain/intent.ts";

// How the payment store's DynamoDB failures reach the domain: as catalogue errors, never as SDK
// exceptions (shared by the intent and job stores).

/** UPSTREAM_UNAVAILABLE for a store failure, keeping the cause for the logs. */
function unavailable(error: unknown): PaymentError {
  return new PaymentError("UPSTREAM_UNAVAILABLE", "payment store is unavailable", undefined, {
    cause: error,
  });
}

/** Runs a DynamoDB call, turning anything unexpected into UPSTREAM_UNAVAILABLE so no SDK error leaks up. */
export async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw error instanceof PaymentError ? error : unavailable(error);
  }
}

/** Whether a cancelled transaction failed on the condition of its `index`-th item. */
export function conditionFailedAt(error: unknown, index: number): boolean {
  return (
    error instanceof TransactionCanceledException &&
    error.CancellationReasons?.[index]?.Code === "ConditionalCheckFailed"
  );
}
