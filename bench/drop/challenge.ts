/**
 * A simulated buyer's join when the event asks for a proof of work (docs/spec.md, "Bot
 * protection"): a 428 carries a challenge, solved here with the kit's solver (on the simulator's
 * own thread: its time is CPU the simulator spends, counted as the step `pow_solve`), then the
 * join is sent again with the solution and the same Idempotency-Key.
 */
import type { JoinAnswer, JoinChallengeOffer } from "@tt/kit/api";
import { solveChallenge } from "@tt/kit/pow";
import type { BuyerClient, Reply } from "./client.ts";
import type { DropStats } from "./stats.ts";

// A challenge that ran out while the simulator was busy, or was spent, is fetched again; a few.
const MAX_SOLVES = 3;

/** A challenge as the gateway hands it out: GET /queue/challenge's answer, or a 428's details (strings). */
type Offer = JoinChallengeOffer | Record<string, string>;

/** Joins the event's line, solving its challenge if it asks for one; the last join's reply. */
export async function joinLine(
  c: BuyerClient,
  eventId: string,
  stats: DropStats,
): Promise<Reply<JoinAnswer>> {
  const key = crypto.randomUUID();
  let body: Record<string, string> = { event_id: eventId };
  for (let solves = 0; ; solves++) {
    const joined = await c.retrying<JoinAnswer>("join", "POST", "/api/v1/queue/join", body, key);
    const offer = solves < MAX_SOLVES ? await offerAfter(c, eventId, joined) : undefined;
    if (!offer) return joined;
    // The operator switched the challenge off meanwhile: join without one.
    if (!offer.challenge) {
      body = { event_id: eventId };
      continue;
    }
    const started = performance.now();
    const { solution, tries } = solveChallenge(offer.challenge, Number(offer.difficulty));
    stats.solved(performance.now() - started, tries);
    body = { event_id: eventId, challenge: offer.challenge, solution };
  }
}

/** The challenge a refused join asks to solve, or undefined when the answer is not about one. */
async function offerAfter(c: BuyerClient, eventId: string, joined: Reply): Promise<Offer | undefined> {
  if (joined.ok) return undefined;
  if (joined.code === "CHALLENGE_REQUIRED") return joined.error?.details;
  const reason = joined.error?.details?.reason;
  if (joined.code !== "CHALLENGE_FAILED" || (reason !== "expired" && reason !== "spent")) return undefined;
  const fresh = await c.retrying<JoinChallengeOffer>(
    "join",
    "GET",
    `/api/v1/queue/challenge?event_id=${encodeURIComponent(eventId)}`,
  );
  return fresh.ok ? fresh.body : undefined;
}
