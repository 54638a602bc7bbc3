import { expectedTries, solveSteps } from "@tt/kit/pow";

// What the page and the proof-of-work worker say to each other (pow-worker.ts). Kept apart from
// the worker's global scope so the protocol runs, and is tested, without a worker.

/** Page → worker: solve this challenge (docs/spec.md, "Bot protection"). */
export interface SolveRequest {
  challenge: string;
  difficulty: number;
}

/** Worker → page: tries so far, then the solution (or why there is none). */
export type SolveMessage =
  | { type: "progress"; tries: number }
  | { type: "solved"; solution: string; tries: number }
  | { type: "failed"; message: string };

// The spec's range is 0–28; a worker asked for far more would spin for hours.
const MAX_DIFFICULTY = 32;

/**
 * How many tries between progress reports: about 1/64 of the expected work, so a quick solve still
 * moves the bar, but at least 256 (a message per ~0.3 ms would cost more than the hashing) and at
 * most 16,384 (~16 ms at ~1 M tries/s, a report per frame).
 */
export function progressBatch(difficulty: number): number {
  return Math.min(16_384, Math.max(256, Math.floor(expectedTries(difficulty) / 64)));
}

/** Solves one request, posting progress as it goes and the solution at the end; never throws. */
export function answerSolve(request: SolveRequest, post: (message: SolveMessage) => void): void {
  const { challenge, difficulty } = request ?? {};
  if (
    typeof challenge !== "string" ||
    !Number.isInteger(difficulty) ||
    difficulty < 0 ||
    difficulty > MAX_DIFFICULTY
  ) {
    post({ type: "failed", message: `not a challenge this worker solves: ${JSON.stringify(request)}` });
    return;
  }
  const steps = solveSteps(challenge, difficulty, progressBatch(difficulty));
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) {
      // Solutions count up from 0 in base 36, so the solution says how many tries it took.
      post({ type: "solved", solution: step.value, tries: Number.parseInt(step.value, 36) + 1 });
      return;
    }
    post({ type: "progress", tries: step.value });
  }
}

/**
 * Progress to show a buyer: tries against the tries expected (2^difficulty), held at 99 % since a
 * search is luck: over a third take longer than expected (e^-1 ≈ 37 %).
 */
export function progressPercent(tries: number, difficulty: number): number {
  return Math.min(99, Math.floor((100 * tries) / expectedTries(difficulty)));
}
