import { describe, expect, test } from "bun:test";
import { outcomeOf } from "./outcome.ts";

describe("outcomeOf", () => {
  test("a declined payment is reported before the hold is even cancelled", () => {
    expect(outcomeOf({ status: "HOLD", payment_intent_id: "pi_1" }, "FAILED")).toBe("declined");
    expect(outcomeOf({ status: "CANCELLED", payment_intent_id: "pi_1" })).toBe("declined");
  });

  test("a hold the buyer released, one that ran out, and one that is still open", () => {
    expect(outcomeOf({ status: "CANCELLED", payment_intent_id: null })).toBe("cancelled");
    expect(outcomeOf({ status: "EXPIRED", payment_intent_id: "pi_1" }, "REFUNDED")).toBe("expired");
    expect(outcomeOf({ status: "HOLD", payment_intent_id: "pi_1" }, "PENDING")).toBeUndefined();
    expect(outcomeOf({ status: "CONFIRMED", payment_intent_id: "pi_1" }, "APPROVED")).toBe("confirmed");
  });
});
