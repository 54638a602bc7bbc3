// What the waiting room's scripts answer, as the rules read it: the reply codes and the shape of a
// limited script's reply. Kept apart from the loader (adapters/queue/scripts.ts), which talks to Redis, so the
// rules (room-rules.ts) need no storage to be read or tested.

/** Negative results of the enter script. */
export enum EnterResult {
  Ok = 1,
  UnknownToken = -1,
  StillWaiting = -2,
  NotAdmitted = -3,
  OtherUser = -4,
}

/** The join script's answer for an anonymous caller whose address holds too many places. */
export const PLACES_FULL = "!places";

/** The join script's answer when a new place needs a solved challenge ("!challenge|<difficulty>"). */
export const CHALLENGE_NEEDED = "!challenge";

/** The join script's answer for a challenge whose nonce was spent already. */
export const CHALLENGE_SPENT = "!spent";

/** The rate-limit verdict every limited queue script returns first (see adapters/queue/scripts/includes/limit-caller.lua). */
export interface LimitReply {
  /** allowed (1|0), remaining, ms until full, ms until retry: a bucket script's reply. */
  bucket: [number, number, number, number];
  scope: "ip" | "user" | "off";
}

const VERDICT_FIELDS = 5;

/**
 * Splits a limited script's flat reply ("allowed|remaining|full_ms|retry_ms|scope|…"): the
 * verdict, then the script's own fields (none when the caller was refused).
 */
export function splitLimited(reply: string): { limit: LimitReply; fields: string[] } {
  const all = reply.split("|");
  return {
    limit: {
      bucket: [Number(all[0]), Number(all[1]), Number(all[2]), Number(all[3])],
      scope: all[4] as LimitReply["scope"],
    },
    fields: all.slice(VERDICT_FIELDS),
  };
}
