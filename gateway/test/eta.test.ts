import { expect, test } from "bun:test";
import { etaSeconds, positionPaceMs } from "../src/domain/queue/eta.ts";

test("a waiter's wait is its place over the admission rate, unknown while nobody is admitted", () => {
  expect(etaSeconds(120, 10)).toBe(12);
  expect(etaSeconds(1, 50)).toBe(1);
  expect(etaSeconds(5, 0)).toBeNull();
});

test("a waiter far back hears its place less often than one near the front, at most every five intervals", () => {
  // At 50/s: place 200 is 4 s away (every second), place 2,000 is 40 s (every 2 s), place 4,000 is 80 s (every 4 s).
  expect(positionPaceMs(200, 50, 1000)).toBe(1000);
  expect(positionPaceMs(2000, 50, 1000)).toBe(2000);
  expect(positionPaceMs(4000, 50, 1000)).toBe(4000);
  expect(positionPaceMs(100_000, 50, 1000)).toBe(5000);
  // No rate yet: the base interval; no interval set: a frame per move.
  expect(positionPaceMs(4000, 0, 1000)).toBe(1000);
  expect(positionPaceMs(4000, 50, 0)).toBe(0);
});
