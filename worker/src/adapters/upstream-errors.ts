import { fromConnectError } from "@tt/kit";
import { Refusal } from "../domain/ports.ts";

// Codes that say "try again later" rather than "no": the upstream or its dependencies are
// unwell, or another request with the same key is still running.
const TRANSIENT = new Set([
  "UPSTREAM_UNAVAILABLE",
  "UPSTREAM_TIMEOUT",
  "INTERNAL",
  "RATE_LIMITED",
  "IDEMPOTENCY_IN_PROGRESS",
  "INVENTORY_CONFLICT",
]);

/** Runs a Connect call; business answers become Refusal, everything else stays an error to retry. */
export async function calling<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const app = fromConnectError(error);
    if (TRANSIENT.has(app.code)) throw app;
    throw new Refusal(app.code, app.message, { cause: error });
  }
}
