import { describe, expect, test } from "bun:test";
import { InvalidInputError } from "../../src/domain/errors.ts";
import { checkNewEvent, checkQueueSettingsChange, MAX_PRICE } from "../../src/domain/events.ts";
import { smallEvent } from "./fakes.ts";

const refusal = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    return error instanceof InvalidInputError
      ? error.metadata.field
      : `not InvalidInputError: ${String(error)}`;
  }
  return undefined;
};

describe("numbers past what the platform stores are refused with their field named", () => {
  test("a rate too small to store (1e-320) or too large is refused; 0 and a slow line are not", () => {
    for (const rate of [1e-320, 5e-324, 0.0001, -1, 100_001, Number.POSITIVE_INFINITY, Number.NaN]) {
      expect(refusal(() => checkQueueSettingsChange({ rate }))).toBe("rate");
    }
    for (const rate of [0, 0.001, 2.5, 100_000]) {
      expect(refusal(() => checkQueueSettingsChange({ rate }))).toBeUndefined();
    }
  });

  test("a time past year 9999 (or before 1970) is refused: stored, it would break every listing of events", () => {
    const at = (field: "startsAt" | "saleOpensAt" | "saleClosesAt", ms: number) => ({
      ...smallEvent(),
      [field]: new Date(ms),
    });
    expect(refusal(() => checkNewEvent(at("startsAt", 253_402_300_800_000)))).toBe("starts_at");
    expect(refusal(() => checkNewEvent(at("saleClosesAt", 8.64e15)))).toBe("sale_closes_at");
    expect(refusal(() => checkNewEvent(at("saleOpensAt", -1)))).toBe("sale_opens_at");
    expect(refusal(() => checkNewEvent(at("startsAt", 253_402_300_799_999)))).toBeUndefined();
  });

  test("a seat price past 2^53 - 1 is refused, so no reservation's total can overflow int64", () => {
    const withPrice = (price: bigint) => {
      const e = smallEvent();
      return { ...e, sections: e.sections.map((s) => ({ ...s, price })) };
    };
    expect(refusal(() => checkNewEvent(withPrice(MAX_PRICE + 1n)))).toBe("sections[A]");
    expect(refusal(() => checkNewEvent(withPrice(9_223_372_036_854_775_807n)))).toBe("sections[A]");
    expect(refusal(() => checkNewEvent(withPrice(MAX_PRICE)))).toBeUndefined();
  });
});
