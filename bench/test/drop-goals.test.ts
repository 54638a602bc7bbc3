// The drop's goals as its report states them (drop/goals.ts): each read off the run's own figures.
import { describe, expect, test } from "bun:test";
import { dropGoals, type GoalInput } from "../drop/goals.ts";
import type { StepSummary } from "../drop/stats.ts";

const step = (name: string, p95: number, p99: number, count = 100): StepSummary =>
  ({ step: name, count, errors: 0, expected: 0, p50: p95 / 2, p95, p99, max: p99 }) as StepSummary;

/** A 50/s drop that meets every goal. */
const fast: GoalInput = {
  steps: [
    step("hold", 36, 83),
    step("pay_intent", 46, 90),
    step("confirm", 69, 126),
    step("outcome_pushed", 1138, 1200),
  ],
  errors: 0,
  errorRate: 0,
  checks: { ok: true },
  allTakenSec: 18.2,
  yardstick: { rawHoldsPerSec: 1042, ratio: 0.31 },
  platformEnv: {},
};
const verdicts = (r: GoalInput) => Object.fromEntries(dropGoals(r).map((g) => [g.goal, g.met]));

describe("the drop's goals", () => {
  test("a run inside every bound meets every goal", () => {
    expect(dropGoals(fast).every((g) => g.met)).toBe(true);
  });

  test("each figure past its bound misses exactly its own goal", () => {
    const slow: GoalInput = {
      ...fast,
      steps: [step("hold", 698, 1268), ...fast.steps.slice(1, 3), step("outcome_pushed", 2336, 2500)],
      allTakenSec: 37.4,
    };
    const missed = dropGoals(slow).filter((g) => !g.met);
    expect(missed.map((g) => [g.drop, g.value])).toEqual([
      ["50/s", "698 ms / 1,268 ms"],
      ["50/s", "2,336 ms"],
      ["50/s", "37.4 s"],
    ]);
  });

  test("p99 alone over its bound misses; a step nobody took does not", () => {
    const r = {
      ...fast,
      steps: [
        step("hold", 100, 300),
        step("confirm", 0, 0, 0),
        ...fast.steps.slice(1, 2),
        fast.steps[3] as StepSummary,
      ],
    };
    const v = verdicts(r);
    expect(v["hold: p95 under 120 ms, p99 under 250 ms"]).toBe(false);
    expect(v["confirm: p95 under 120 ms, p99 under 250 ms"]).toBe(true);
  });

  test("the pushed outcome is judged against the run's own approval delay", () => {
    const goal = "payment outcome pushed within 250 ms of the 2,000 ms approval delay (p95)";
    expect(verdicts({ ...fast, platformEnv: { PAYMENT_APPROVE_DELAY_MS: "2000" } })[goal]).toBe(true);
    const late = { ...fast, steps: [...fast.steps.slice(0, 3), step("outcome_pushed", 2300, 2400)] };
    expect(verdicts({ ...late, platformEnv: { PAYMENT_APPROVE_DELAY_MS: "2000" } })[goal]).toBe(false);
  });

  test("the yardstick needs its ratio and errors under 1 % together; a failed check or a seat never taken misses", () => {
    const yardstick = (r: GoalInput) => dropGoals(r).find((g) => g.drop === "yardstick")?.met;
    expect(
      yardstick({ ...fast, errors: 3580, errorRate: 0.106, yardstick: { rawHoldsPerSec: 333, ratio: 0.46 } }),
    ).toBe(false);
    expect(
      yardstick({ ...fast, errors: 10, errorRate: 0.001, yardstick: { rawHoldsPerSec: 333, ratio: 0.29 } }),
    ).toBe(false);
    expect(yardstick({ ...fast, yardstick: undefined })).toBeUndefined();
    const v = verdicts({ ...fast, checks: { ok: false }, allTakenSec: undefined });
    expect(v["every store check passing"]).toBe(false);
    expect(v["no seat AVAILABLE 20 s after the first admission"]).toBe(false);
  });
});
