import { describe, expect, test } from "bun:test";
import { ThrottlingException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { cancellationReasons, conditionFailedAt, storeFailure } from "../../src/aws/store-errors.ts";
import { AppError } from "../../src/errors.ts";

const meta = { $metadata: {} };
const cancelled = new TransactionCanceledException({
  ...meta,
  message: "Transaction cancelled",
  CancellationReasons: [
    { Code: "None" },
    { Code: "ConditionalCheckFailed", Item: { pk: { S: "seat#A-1" } } },
  ],
});

describe("a cancelled transaction, read the same way by every store", () => {
  test("each item's reason, with the item as it was", () => {
    expect(cancellationReasons(cancelled)).toEqual([
      { code: "None", old: undefined },
      { code: "ConditionalCheckFailed", old: { pk: { S: "seat#A-1" } } },
    ]);
    expect(cancellationReasons(new Error("boom"))).toBeUndefined();
  });

  test("which item's condition failed", () => {
    expect(conditionFailedAt(cancelled, 1)).toBe(true);
    expect(conditionFailedAt(cancelled, 0)).toBe(false);
    // -1 stands for an item the transaction did not carry.
    expect(conditionFailedAt(cancelled, -1)).toBe(false);
    expect(conditionFailedAt(new Error("boom"), 1)).toBe(false);
  });
});

describe("a store failure in the catalogue's terms", () => {
  test("past its deadline: 504 UPSTREAM_TIMEOUT", () => {
    const timeout = Object.assign(new Error("aborted"), { name: "TimeoutError" });
    const error = storeFailure(timeout, "seat store");
    expect(error.code).toBe("UPSTREAM_TIMEOUT");
    expect(error.status).toBe(504);
    expect(error.cause).toBe(timeout);
  });

  test("throttled, down or refusing the request: 503 UPSTREAM_UNAVAILABLE, retry in a second, never a 500", () => {
    for (const cause of [
      new ThrottlingException({ ...meta, message: "slow down" }),
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      Object.assign(new Error("bad expression"), { name: "ValidationException" }),
    ]) {
      const error = storeFailure(cause, "payment store");
      expect(error.code).toBe("UPSTREAM_UNAVAILABLE");
      expect(error.status).toBe(503);
      expect(error.retryAfterSec).toBe(1);
      expect(error.message).toBe("The payment store is unavailable");
    }
  });

  test("an answer already in the catalogue's terms passes unchanged", () => {
    const known = new AppError("SEAT_UNAVAILABLE", "taken");
    expect(storeFailure(known, "seat store")).toBe(known);
  });
});
