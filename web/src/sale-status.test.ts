import { describe, expect, test } from "bun:test";
import { formatUntil, nextSaleChange, saleStatus } from "./sale-status.ts";

const event = { sale_opens_at: "2030-01-01T00:00:00Z", sale_closes_at: "2030-01-02T00:00:00Z" };
const opens = Date.parse(event.sale_opens_at);
const closes = Date.parse(event.sale_closes_at);

describe("saleStatus", () => {
  test("follows the sale window to the millisecond, and says sold out only inside it", () => {
    expect(saleStatus(event, 10, opens - 1)).toBe("upcoming");
    expect(saleStatus(event, 10, opens)).toBe("on_sale");
    expect(saleStatus(event, 0, opens)).toBe("sold_out");
    expect(saleStatus(event, 0, opens - 1)).toBe("upcoming");
    expect(saleStatus(event, 10, closes - 1)).toBe("on_sale");
    expect(saleStatus(event, 10, closes)).toBe("closed");
    expect(saleStatus(event, 0, closes)).toBe("closed");
  });

  test("counts not loaded never read as sold out", () => {
    expect(saleStatus(event, undefined, opens)).toBe("on_sale");
  });
});

describe("nextSaleChange", () => {
  test("is the opening, then the close, then nothing", () => {
    expect(nextSaleChange(event, opens - 5)).toBe(opens);
    expect(nextSaleChange(event, opens)).toBe(closes);
    expect(nextSaleChange(event, closes)).toBeUndefined();
    expect(nextSaleChange({ sale_opens_at: null, sale_closes_at: null }, 0)).toBeUndefined();
  });
});

describe("formatUntil", () => {
  test("rounds up, and grows hours and days as the opening is further away", () => {
    expect(formatUntil(200)).toBe("0:01");
    expect(formatUntil(0)).toBe("0:00");
    expect(formatUntil(65_000)).toBe("1:05");
    expect(formatUntil(3_600_000)).toBe("1:00:00");
    expect(formatUntil(3 * 86_400_000 + 4 * 3_600_000 + 5 * 60_000 + 6_000)).toBe("3 d 4:05:06");
  });
});
