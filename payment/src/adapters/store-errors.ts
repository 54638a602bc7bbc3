import { storeFailure } from "@tt/kit";
import { PaymentError } from "../domain/intent.ts";

// How the payment store's DynamoDB failures reach the domain: as catalogue errors, never as SDK
// exceptions (shared by the intent and job stores; kit/src/aws/store-errors.ts reads them).

/** Runs a DynamoDB call, turning anything unexpected into UPSTREAM_TIMEOUT/UNAVAILABLE so no SDK error leaks up. */
export async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw error instanceof PaymentError ? error : storeFailure(error, "payment store");
  }
}
