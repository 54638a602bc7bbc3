import { fromConnectError } from "@tt/kit";
import { isRetryable } from "@tt/kit/retry";
import { Refusal } from "../domain/ports.ts";

/**
 * Runs a Connect call; an answer the error catalogue calls retryable (the upstream or its
 * dependencies are unwell or busy, another request with the same key is still running) stays an
 * error, so the message is redelivered; any other answer is a business "no" and becomes Refusal.
 */
export async function calling<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const app = fromConnectError(error);
    if (isRetryable(app)) throw app;
    throw new Refusal(app.code, app.message, { cause: error });
  }
}
