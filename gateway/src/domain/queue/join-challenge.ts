import { AppError, type ChallengeFault, challengeKey, checkChallenge, issueChallenge } from "@tt/kit";

/** Why a challenge was refused, as the CHALLENGE_FAILED body's `reason` says it. */
const REASONS: Record<ChallengeFault | "spent", string> = {
  malformed: "This is not a challenge of this platform, or the solution is malformed",
  forged: "This challenge was not issued here, or was changed",
  other_event: "This challenge was issued for another event",
  expired: "This challenge has expired; solve a new one",
  wrong_solution: "The solution does not solve the challenge",
  spent: "This challenge was used already; solve a new one",
};

const failed = (reason: ChallengeFault | "spent") =>
  new AppError("CHALLENGE_FAILED", REASONS[reason], { metadata: { reason } });

/** CHALLENGE_FAILED for a challenge whose nonce the join script found spent. */
export const challengeSpent = () => failed("spent");

/**
 * The join script's word that a new place needs a solved challenge of `difficulty`; the route
 * answers it as CHALLENGE_REQUIRED with a fresh challenge (`JoinChallenges.required`).
 */
export class ChallengeNeeded extends Error {
  override readonly name = "ChallengeNeeded";
  constructor(readonly difficulty: number) {
    super(`a solved challenge of difficulty ${difficulty} is needed`);
  }
}

/** A challenge as the API hands it out. */
export interface ChallengeOffer {
  challenge: string;
  difficulty: number;
  expires_at: string;
}

/**
 * Issues and checks join challenges (docs/spec.md, "Bot protection"). Stateless: every replica
 * with the same secret checks any replica's challenges; only spending is recorded (join-n.lua).
 */
export class JoinChallenges {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.key = challengeKey(secret);
  }

  /** A new challenge for an event at a difficulty. */
  offer(eventId: string, difficulty: number): ChallengeOffer {
    const expiresAt = this.now() + this.ttlMs;
    return {
      challenge: issueChallenge(this.key, eventId, difficulty, expiresAt),
      difficulty,
      expires_at: new Date(expiresAt).toISOString(),
    };
  }

  /**
   * Checks a solution for an event; returns what the join script records ("nonce:difficulty:
   * expires_ms"), or throws CHALLENGE_FAILED. Whether the event asks for one, and at what
   * difficulty, the script decides against the live settings.
   */
  check(eventId: string, challenge: string, solution: string): string {
    const check = checkChallenge(this.key, challenge, solution, eventId, this.now());
    if (!check.ok) throw failed(check.fault);
    return `${check.nonce}:${check.difficulty}:${check.expiresAtMs}`;
  }

  /** CHALLENGE_REQUIRED carrying a fresh challenge, so the client can start solving at once. */
  required(eventId: string, difficulty: number): AppError {
    const offer = this.offer(eventId, difficulty);
    return new AppError(
      "CHALLENGE_REQUIRED",
      `Joining this event needs a solved challenge (difficulty ${difficulty})`,
      {
        metadata: {
          challenge: offer.challenge,
          difficulty: String(difficulty),
          expires_at: offer.expires_at,
        },
      },
    );
  }
}
