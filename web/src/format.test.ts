import { describe, expect, test } from "bun:test";
import { formatEta, formatMoney, saleState } from "./format.ts";

describe("formatEta", () => {
  test("rounds waits the way people say them", () => {
    expect(formatEta(null)).toMatch(/working out/);
    expect(formatEta(3)).toBe("any moment now");
    expect(formatEta(42)).toBe("less than a minute");
    expect(formatEta(95)).toBe("about 2 minutes");
    expect(formatEta(3_900)).toBe("about 1 h 5 min");
  });
});

describe("formatMoney", () => {
  test("shows the currency and survives an unknown code", () => {
    expect(formatMoney(220_000, "KRW")).toContain("220,000");
    expect(formatMoney(5, "NOPE")).toBe("5 NOPE");
  });
});

describe("saleState", () => {
  const window = { sale_opens_at: "2030-01-01T00:00:00Z", sale_closes_at: "2030-01-02T00:00:00Z" };
  test("is upcoming, open, then closed across the sale window", () => {
    expect(saleState(window, Date.parse("2029-12-31T23:59:59Z"))).toBe("upcoming");
    expect(saleState(window, Date.parse("2030-01-01T12:00:00Z"))).toBe("open");
    expect(saleState(window, Date.parse("2030-01-02T00:00:00Z"))).toBe("closed");
    expect(saleState({ sale_opens_at: null, sale_closes_at: null }, 0)).toBe("open");
  });
});
