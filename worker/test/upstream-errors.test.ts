import { describe, expect, test } from "bun:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { AppError, type ErrorCode, toConnectError } from "@tt/kit";
import { calling } from "../src/adapters/upstream-errors.ts";
import { Refusal } from "../src/domain/ports.ts";

/** What `calling` makes of an upstream that answered `code`. */
async function outcome(error: unknown): Promise<unknown> {
  return calling(() => Promise.reject(error)).catch((e: unknown) => e);
}
const answered = (code: ErrorCode) => toConnectError(new AppError(code, `upstream said ${code}`));

describe("the worker's reading of an upstream's answer", () => {
  test("a code the catalogue calls retryable stays an error, so the message is redelivered", async () => {
    for (const code of [
      "UPSTREAM_UNAVAILABLE",
      "UPSTREAM_TIMEOUT",
      "OVERLOADED",
      "IDEMPOTENCY_IN_PROGRESS",
    ] as const) {
      const e = await outcome(answered(code));
      expect(e).not.toBeInstanceOf(Refusal);
      expect(e instanceof AppError && e.code).toBe(code);
    }
  });

  test("a business answer becomes a Refusal that names its code", async () => {
    for (const code of ["RESERVATION_EXPIRED", "PAYMENT_NOT_APPROVED", "NOT_FOUND"] as const) {
      const e = await outcome(answered(code));
      expect(e).toBeInstanceOf(Refusal);
      expect((e as Refusal).code).toBe(code);
    }
  });

  test("a lost answer is judged by its Connect code: unreachable is redelivered", async () => {
    const e = await outcome(new ConnectError("inventory is unreachable", Code.Unavailable));
    expect(e instanceof AppError && e.code).toBe("UPSTREAM_UNAVAILABLE");
  });
});
