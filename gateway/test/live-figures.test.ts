import { describe, expect, test } from "bun:test";
import {
  type Buckets,
  quantileBetween,
  RateOfChange,
  RecentQuantile,
} from "../src/transport/live-figures.ts";

const INF = Number.POSITIVE_INFINITY;
/** Cumulative buckets from [upper bound, count at or under it] pairs. */
const buckets = (...pairs: Array<[number, number]>): Buckets => new Map(pairs);

describe("quantileBetween", () => {
  test("interpolates inside the bucket the quantile falls in, over what happened between two reads", () => {
    const before = buckets([0.01, 10], [0.05, 10], [0.1, 10], [INF, 10]);
    // Since then: 50 calls under 10 ms, 40 between 10 and 50 ms, 10 between 50 and 100 ms.
    const after = buckets([0.01, 60], [0.05, 100], [0.1, 110], [INF, 110]);
    expect(quantileBetween(before, after, 0.5)).toBeCloseTo(0.01, 6);
    expect(quantileBetween(before, after, 0.95)).toBeCloseTo(0.075, 6);
  });

  test("past every finite bound it says the highest one; with nothing new it says nothing", () => {
    const after = buckets([0.1, 0], [0.5, 1], [INF, 10]);
    expect(quantileBetween(new Map(), after, 0.95)).toBe(0.5);
    expect(quantileBetween(after, after, 0.95)).toBeNull();
  });
});

describe("RateOfChange", () => {
  test("is the rise per second over the last window, and says nothing until a second has passed", () => {
    const rate = new RateOfChange(10_000);
    expect(rate.note("e", 100, 0)).toBeNull();
    expect(rate.note("e", 105, 500)).toBeNull();
    expect(rate.note("e", 110, 2000)).toBe(5);
    // One more a second from then on: fifteen seconds later the first readings have left the window.
    for (let at = 3000; at <= 15_000; at += 1000) rate.note("e", 110 + (at - 2000) / 1000, at);
    expect(rate.note("e", 124, 16_000)).toBeCloseTo(1, 6);
  });

  test("keeps events apart, counts a fall as no rise, and forgets an event nobody reads", () => {
    const rate = new RateOfChange(10_000, 60_000);
    rate.note("a", 10, 0);
    rate.note("b", 500, 0);
    expect(rate.note("a", 20, 2000)).toBe(5);
    expect(rate.note("b", 400, 2000)).toBe(0);
    expect(rate.note("a", 999, 200_000)).toBeNull();
  });
});

describe("RecentQuantile", () => {
  test("covers the reads of the last window, not everything since the start", async () => {
    let current = buckets([0.01, 0], [1, 100], [INF, 100]);
    const recent = new RecentQuantile(async () => current, 60_000);
    // First read: everything so far (100 slow calls).
    expect(await recent.quantile(0.5, 0)).toBeCloseTo(0.505, 3);
    await recent.quantile(0.5, 30_000);
    current = buckets([0.01, 100], [1, 200], [INF, 200]);
    // 90 s on, the first snapshot has left the window: only the 100 fast calls since 30 s count.
    expect(await recent.quantile(0.5, 90_000)).toBeCloseTo(0.005, 3);
  });
});
