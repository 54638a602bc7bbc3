// Self-tuning admission's rules (domain/queue/governor.ts): pure, so a fake health is fair here.
import { describe, expect, test } from "bun:test";
import { AdmissionTuner, Governor, type PurchaseHealth } from "../src/domain/queue/governor.ts";

const bounds = { min: 10, max: 200 };
/** A period the back end kept up with: holds fast, nothing shed, nothing failed. */
const healthy: PurchaseHealth = { holds: 100, slowHolds: 2, answers: 160, shed: 0, failures: 0 };
/** A period where the edge shed a tenth of the answers (buyers retry them): full, not broken. */
const shedding: PurchaseHealth = { ...healthy, answers: 200, shed: 20 };
const failing: PurchaseHealth = { ...healthy, failures: 3 };
const steps = (g: Governor, health: PurchaseHealth, n: number, waiting = true) =>
  Array.from({ length: n }, () => g.step(health, bounds, waiting));

describe("the governor", () => {
  test("from the floor it doubles each period: a healthy 80/s within three periods, the ceiling in five", () => {
    const g = new Governor(10);
    expect(steps(g, healthy, 5)).toEqual([20, 40, 80, 160, 200]);
  });

  test("the first shed period ends the doubling and undoes the last one, then it climbs by a tenth", () => {
    const g = new Governor(10);
    expect(steps(g, healthy, 3)).toEqual([20, 40, 80]);
    expect(g.step(shedding, bounds, true)).toBe(40);
    // Two periods still, for the load admitted before the step back.
    expect(steps(g, shedding, 2)).toEqual([40, 40]);
    expect(steps(g, healthy, 3)).toEqual([44, 48.4, 53.24]);
  });

  test("a shed period after the start stops the rise and steps back a tenth, without collapsing", () => {
    const g = new Governor(50, {}, false);
    // Six seconds of steady shedding cost a fifth of the rate; two 70 % cuts took half.
    expect(steps(g, shedding, 6)).toEqual([45, 45, 45, 40.5, 40.5, 40.5]);
    expect(g.step(healthy, bounds, true)).toBe(44.55);
  });

  test("a few shed answers among many (5 % or fewer) are not fullness: the rise goes on", () => {
    const g = new Governor(50, {}, false);
    expect(g.step({ ...healthy, answers: 200, shed: 10 }, bounds, true)).toBe(55);
    expect(g.step({ ...healthy, answers: 200, shed: 11 }, bounds, true)).toBe(49.5);
    const looser = new Governor(50, { shedShare: 0.2 }, false);
    expect(looser.step(shedding, bounds, true)).toBe(55);
  });

  test("holds slower than the target (p95 over it) are fullness too; too few holds say nothing", () => {
    const g = new Governor(50, {}, false);
    expect(g.step({ ...healthy, slowHolds: 6 }, bounds, true)).toBe(45);
    const h = new Governor(50, {}, false);
    expect(h.step({ ...healthy, holds: 4, slowHolds: 4 }, bounds, true)).toBe(55);
  });

  test("real failures cut to 70 % at once, in slow start too, and the rate holds for two periods", () => {
    const g = new Governor(10);
    expect(steps(g, healthy, 3)).toEqual([20, 40, 80]);
    expect(g.step(failing, bounds, true)).toBe(56);
    expect(steps(g, failing, 2)).toEqual([56, 56]);
    expect(g.step(failing, bounds, true)).toBe(39.2);
  });

  test("after failures stop it recovers: no more doubling, a tenth a period back up", () => {
    const g = new Governor(100, {}, false);
    expect(g.step(failing, bounds, true)).toBe(70);
    expect(steps(g, healthy, 6)).toEqual([70, 70, 77, 84.7, 93.17, 102.49]);
  });

  test("never below the floor nor above the ceiling; nobody waiting: no rise", () => {
    const g = new Governor(12);
    expect(g.step({ ...failing, failures: 50 }, bounds, true)).toBe(10);
    expect(steps(g, healthy, 4, false)).toEqual([10, 10, 10, 10]);
    const top = new Governor(190, {}, false);
    expect(steps(top, healthy, 2)).toEqual([200, 200]);
  });
});

describe("the tuner", () => {
  const zero: PurchaseHealth = { holds: 0, slowHolds: 0, answers: 0, shed: 0, failures: 0 };

  test("steps once a period on that period's health only; a line's first governor starts slow", async () => {
    let clock = 0;
    // Failures before the first period are not its own: the first tally is the baseline.
    const total = { ...zero, failures: 3 };
    let auto: { min: number; max: number } | null = { min: 5, max: 100 };
    const tuner = new AdmissionTuner(
      async () => ({ rate: 10, auto, lastRate: null }),
      () => ({ ...total }),
      { everyMs: 1000, now: () => clock },
    );
    const at = (ms: number) => {
      clock = ms;
      return tuner.rateFor("e", true);
    };
    expect(await at(0)).toBe(10);
    expect(await at(1000)).toBe(20);
    total.holds = 100;
    total.answers = 100;
    // Within the period: the rate already chosen, no step.
    expect(await at(1500)).toBe(20);
    expect(await at(2000)).toBe(40);
    total.answers = 200;
    total.shed = 50;
    expect(await at(3000)).toBe(20);
    auto = null;
    expect(await at(4000)).toBeUndefined();
  });

  test("a new leader carries on from the rate the line was last admitted at, without doubling", async () => {
    let clock = 0;
    const tuner = new AdmissionTuner(
      async () => ({ rate: 10, auto: { min: 5, max: 100 }, lastRate: 40 }),
      () => ({ ...zero }),
      { now: () => clock },
    );
    expect(await tuner.rateFor("e", true)).toBe(40);
    clock = 1000;
    expect(await tuner.rateFor("e", true)).toBe(44);
  });
});
