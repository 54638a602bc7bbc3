// Self-tuning admission's rules (queue/governor.ts): pure, so a fake health is fair here.
import { describe, expect, test } from "bun:test";
import { AdmissionTuner, Governor, type PurchaseHealth } from "../src/queue/governor.ts";

const bounds = { min: 5, max: 200 };
const healthy: PurchaseHealth = { holds: 100, slowHolds: 2, failures: 0 };

describe("the governor", () => {
  test("with headroom and people waiting the rate rises by a quarter a period, up to the ceiling", () => {
    const g = new Governor(10);
    const rates = Array.from({ length: 20 }, () => g.step(healthy, bounds, true));
    expect(rates.slice(0, 3)).toEqual([12.5, 15.63, 19.54]);
    expect(rates.findIndex((r) => r >= 50)).toBeLessThan(9);
    expect(rates.at(-1)).toBe(200);
  });

  test("slow holds (p95 over the target) or any 5xx cut it to 70 %, and it waits two periods before rising", () => {
    const g = new Governor(100);
    expect(g.step({ holds: 100, slowHolds: 6, failures: 0 }, bounds, true)).toBe(70);
    expect(g.step(healthy, bounds, true)).toBe(70);
    expect(g.step(healthy, bounds, true)).toBe(70);
    expect(g.step(healthy, bounds, true)).toBe(87.5);
    expect(g.step({ holds: 3, slowHolds: 0, failures: 1 }, bounds, true)).toBe(61.25);
  });

  test("trouble right after a cut is the load from before it: no second cut for two periods", () => {
    const g = new Governor(40);
    const slow = { holds: 100, slowHolds: 30, failures: 2 };
    expect([g.step(slow, bounds, true), g.step(slow, bounds, true), g.step(slow, bounds, true)]).toEqual([
      28, 28, 28,
    ]);
    expect(g.step(slow, bounds, true)).toBe(19.6);
  });

  test("never below the floor; nobody waiting: no rise; too few holds say nothing about latency", () => {
    const g = new Governor(6);
    expect(g.step({ holds: 50, slowHolds: 50, failures: 9 }, bounds, true)).toBe(5);
    expect(g.step(healthy, bounds, false)).toBe(5);
    expect(g.step(healthy, bounds, false)).toBe(5);
    expect(g.step(healthy, bounds, false)).toBe(5);
    expect(g.step({ holds: 4, slowHolds: 4, failures: 0 }, bounds, true)).toBe(6.25);
  });
});

describe("the tuner", () => {
  test("steps once a period on that period's health only, from where the line last was", async () => {
    let clock = 0;
    const total: PurchaseHealth = { holds: 0, slowHolds: 0, failures: 0 };
    let auto: { min: number; max: number } | null = { min: 5, max: 100 };
    const tuner = new AdmissionTuner(
      async () => ({ rate: 50, auto, lastRate: 40 }),
      () => ({ ...total }),
      1000,
      () => clock,
    );
    expect(await tuner.rateFor("e", true)).toBe(40);
    // A failure long ago is not this period's: the earlier tally is the baseline.
    total.failures = 3;
    clock = 500;
    expect(await tuner.rateFor("e", true)).toBe(40);
    clock = 1000;
    expect(await tuner.rateFor("e", true)).toBe(28);
    total.holds = 100;
    clock = 4000;
    await tuner.rateFor("e", true);
    await tuner.rateFor("e", true);
    clock = 5000;
    expect(await tuner.rateFor("e", true)).toBe(28);
    clock = 6000;
    expect(await tuner.rateFor("e", true)).toBe(35);
    auto = null;
    clock = 7000;
    expect(await tuner.rateFor("e", true)).toBeUndefined();
  });
});
