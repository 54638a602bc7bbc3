import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { randomString } from "../random.ts";
import { leadingZeroBits } from "./solver.ts";

// The server's half of the join challenge (docs/spec.md, "Bot protection"). A challenge is
// stateless: "<event>.<difficulty>.<expires_ms>.<nonce>.<mac>", the MAC (HMAC-SHA-256, 128 bits)
// binding the rest, so any gateway replica checks it without a lookup. What it cannot know alone
// is whether the nonce was spent already: the join script records it (queue/scripts/join-n.lua).

/** Why a challenge's solution was refused. */
export type ChallengeFault = "malformed" | "forged" | "other_event" | "expired" | "wrong_solution";

/** A checked challenge: what its MAC vouches for, or why it was refused. */
export type ChallengeCheck =
  | { ok: true; nonce: string; difficulty: number; expiresAtMs: number }
  | { ok: false; fault: ChallengeFault };

const SOLUTION = /^[0-9a-z]{1,16}$/;
const NONCE = /^[A-Za-z0-9_-]{22}$/;

/**
 * The challenge MAC key, derived from a secret the gateway already holds (the reservation token
 * secret): a label of its own keeps the two uses apart, and production needs no new secret.
 */
export function challengeKey(secret: string): Buffer {
  return createHmac("sha256", secret).update("tt-join-challenge-v1").digest();
}

const macOf = (key: Buffer, body: string) => createHmac("sha256", key).update(body).digest().subarray(0, 16);

/** A new challenge for one event at a difficulty (leading zero bits), good until `expiresAtMs`. */
export function issueChallenge(
  key: Buffer,
  eventId: string,
  difficulty: number,
  expiresAtMs: number,
): string {
  const body = `${eventId}.${difficulty}.${expiresAtMs}.${randomString(16, "base64url")}`;
  return `${body}.${macOf(key, body).toString("base64url")}`;
}

/**
 * Checks a solution to a challenge for `eventId` at `nowMs`: the cheap refusals first, then the
 * MAC, then the one SHA-256 of the solution (≈ 2 µs in all, measured over 200,000 checks).
 */
export function checkChallenge(
  key: Buffer,
  challenge: string,
  solution: string,
  eventId: string,
  nowMs: number,
): ChallengeCheck {
  const parts = challenge.split(".");
  if (parts.length !== 5 || !SOLUTION.test(solution)) return { ok: false, fault: "malformed" };
  const [event = "", bits = "", expires = "", nonce = "", mac = ""] = parts;
  const difficulty = Number(bits);
  const expiresAtMs = Number(expires);
  if (!Number.isInteger(difficulty) || !Number.isSafeInteger(expiresAtMs) || !NONCE.test(nonce)) {
    return { ok: false, fault: "malformed" };
  }
  if (event !== eventId) return { ok: false, fault: "other_event" };
  if (expiresAtMs <= nowMs) return { ok: false, fault: "expired" };
  const given = Buffer.from(mac, "base64url");
  const body = challenge.slice(0, challenge.length - mac.length - 1);
  if (given.length !== 16 || !timingSafeEqual(given, macOf(key, body))) return { ok: false, fault: "forged" };
  const hash = createHash("sha256").update(challenge).update(":").update(solution).digest();
  if (leadingZeroBits(hash) < difficulty) return { ok: false, fault: "wrong_solution" };
  return { ok: true, nonce, difficulty, expiresAtMs };
}
