import { describe, expect, test } from "bun:test";
import { outcomeOf, wasDeclined } from "./outcome.ts";

describe("outcomeOf", () => {
  test("a declined payment ends nothing: the hold stands and the buyer may pay again", () => {
    expect(outcomeOf({ status: "HOLD" })).toBeUndefined();
    expect(wasDeclined({ status: "HOLD" }, "FAILED")).toBe(true);
    expect(wasDeclined({ status: "HOLD" }, "PENDING")).toBe(false);
    expect(wasDeclined({ status: "EXPIRED" }, "FAILED")).toBe(false);
  });

  test("a hold the buyer released, one that ran out, and one that was bought", () => {
    expect(outcomeOf({ status: "CANCELLED" })).toBe("cancelled");
    expect(outcomeOf({ status: "EXPIRED" })).toBe("expired");
    expect(outcomeOf({ status: "CONFIRMED" })).toBe("confirmed");
  });
});
