import { storeFailure } from "@tt/kit";

// How the payment store's DynamoDB failures reach the domain: as catalogue errors, never as SDK
// exceptions (shared by the intent and job stores; kit/src/aws/store-errors.ts reads them).

/** Runs a DynamoDB call; a domain refusal passes, anything else becomes UPSTREAM_TIMEOUT/UNAVAILABLE. */
export async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw storeFailure(error, "payment store");
  }
}
