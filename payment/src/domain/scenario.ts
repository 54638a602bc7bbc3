import type { Outcome, Scenario } from "./intent.ts";

/** Timings and odds of the simulated processor. */
export interface ScenarioSettings {
  /** Delay of `approve` and `fail` (docs/spec.md, "Payments": about one second). */
  approveDelayMs: number;
  /** Delay of `delay`, the slow processor. */
  slowDelayMs: number;
  /** Chance that `random` approves, 0..1. */
  randomApproveRate: number;
}

/** The decision a scenario will take, and when. */
export interface Plan {
  outcome: Outcome;
  decideAt: number;
}

/** Reason recorded on a simulated decline. */
export const DECLINED = "card_declined";

/**
 * Decides up front what the processor will answer. Drawing the random outcome at creation and
 * storing it keeps a restart (or a second replica) from re-rolling the dice.
 */
export function planOutcome(
  scenario: Scenario,
  now: number,
  settings: ScenarioSettings,
  random: () => number = Math.random,
): Plan {
  const approved = (delayMs: number): Plan => ({ outcome: "APPROVED", decideAt: now + delayMs });
  const declined = (delayMs: number): Plan => ({ outcome: "FAILED", decideAt: now + delayMs });
  switch (scenario) {
    case "approve":
      return approved(settings.approveDelayMs);
    case "fail":
      return declined(settings.approveDelayMs);
    case "delay":
      return approved(settings.slowDelayMs);
    case "random": {
      const spread = Math.max(0, settings.slowDelayMs - settings.approveDelayMs);
      const delayMs = settings.approveDelayMs + Math.round(random() * spread);
      return random() < settings.randomApproveRate ? approved(delayMs) : declined(delayMs);
    }
  }
}
