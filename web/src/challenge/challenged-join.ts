import { ApiError } from "../api.ts";
import type { SolvedChallenge } from "../buyer-api.ts";
import type { JoinAnswer, JoinChallengeOffer } from "../types.ts";

/** What a join of an event that may ask for a proof of work needs (docs/spec.md, "Bot protection"). */
export interface ChallengedJoinSteps {
  /** `POST /queue/join`, with a solved challenge once there is one (same Idempotency-Key each time). */
  join(solved?: SolvedChallenge): Promise<JoinAnswer>;
  /** `GET /queue/challenge`. */
  fetchChallenge(): Promise<JoinChallengeOffer>;
  /** Solves a challenge (in a worker, showing progress); rejects when the buyer leaves. */
  solve(challenge: string, difficulty: number): Promise<string>;
}

// A challenge can run out while a slow device solves it, or be spent by a join whose answer was
// lost: a fresh one is solved then, but not forever — after this many the refusal is shown.
const MAX_SOLVES = 3;

/** CHALLENGE_FAILED reasons a new challenge cures (the others are a bug or a forgery). */
const CURABLE = new Set(["expired", "spent"]);

/**
 * Joins the line, solving the event's challenge when the join asks for one: a 428 carries a fresh
 * challenge, solved and sent with the join again; an expired or spent one is fetched anew. An event
 * that asks for none is joined with one call, as before.
 */
export async function joinWithChallenge(steps: ChallengedJoinSteps): Promise<JoinAnswer> {
  let solved: SolvedChallenge | undefined;
  for (let solves = 0; ; solves++) {
    try {
      return await steps.join(solved);
    } catch (error) {
      if (solves >= MAX_SOLVES) throw error;
      const offer = await challengeAfter(error, steps);
      if (offer === undefined) throw error;
      // The operator turned the challenge off meanwhile: join without one.
      solved =
        offer.challenge === null
          ? undefined
          : { challenge: offer.challenge, solution: await steps.solve(offer.challenge, offer.difficulty) };
    }
  }
}

/** The challenge to solve after a refused join, or undefined when the refusal is not about one. */
async function challengeAfter(error: unknown, steps: ChallengedJoinSteps) {
  if (!(error instanceof ApiError)) return undefined;
  if (error.code === "CHALLENGE_REQUIRED") {
    const { challenge, difficulty, expires_at } = error.details;
    if (challenge && difficulty && Number.isInteger(Number(difficulty))) {
      return { challenge, difficulty: Number(difficulty), expires_at: expires_at ?? null };
    }
    return steps.fetchChallenge();
  }
  if (error.code === "CHALLENGE_FAILED" && CURABLE.has(error.details.reason ?? "")) {
    return steps.fetchChallenge();
  }
  return undefined;
}
