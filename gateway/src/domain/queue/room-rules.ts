import { AppError } from "@tt/kit";
import { decisionFromReply, type RateDecision, type RateScope } from "../ratelimit/decision.ts";
import { ChallengeNeeded, challengeSpent } from "./join-challenge.ts";
import {
  placeLost,
  placeOf,
  QueueRateLimited,
  type QueueSettings,
  type QueueStatus,
  STATUS,
} from "./room-model.ts";
import { saleClosed, saleFromReply, soldOut } from "./sale.ts";
import {
  CHALLENGE_NEEDED,
  CHALLENGE_SPENT,
  EnterResult,
  type LimitReply,
  PLACES_FULL,
} from "./script-replies.ts";

// The waiting room's rules, apart from Redis: what the facts its scripts return mean to a buyer
// (place, ETA, status words, sale state, refusals) and to an operator (settings, tuning, counts).
// Nothing here does I/O; waiting-room.redis.ts and room-settings.redis.ts call the scripts and pass
// their fields in.

/** The room's configured defaults the rules fall back on. */
export interface RoomDefaults {
  defaultRate: number;
  defaultCap: number;
  /** Per-event bucket of join, status and enter; undefined: not limited. */
  rateLimit?: { perSec: number; burst: number } | undefined;
  maxPlacesPerClient?: number | undefined;
}

/** The bucket verdict a limited script returned first; throws RATE_LIMITED when refused. */
export function limitVerdict({ bucket, scope }: LimitReply, d: RoomDefaults): RateDecision | undefined {
  if (scope === "off") return undefined;
  const policy = { name: "queue", perSec: d.rateLimit?.perSec ?? 1, burst: d.rateLimit?.burst ?? 1 };
  const decision = decisionFromReply(bucket, policy, scope as RateScope);
  if (!decision.allowed) throw new QueueRateLimited(decision);
  return decision;
}

/** The refusal a whole join batch got before any caller's bucket was read (a closed or ended sale). */
export function lineRefusal(reply: string): AppError | undefined {
  if (reply === "!closed") return soldOut();
  if (reply === "!ended") return saleClosed();
  return undefined;
}

/** The refusal of one join by the script's first field (a challenge, or the address's place cap). */
export function joinRefusal(fields: string[], d: RoomDefaults): Error | undefined {
  if (fields[0] === CHALLENGE_NEEDED) return new ChallengeNeeded(Number(fields[1]));
  if (fields[0] === CHALLENGE_SPENT) return challengeSpent();
  if (fields[0] !== PLACES_FULL) return undefined;
  return new AppError(
    "QUEUE_CLIENT_LIMIT",
    "Too many places in this line are held from your address; sign in, or use one you have",
    { metadata: { max_places_per_client: String(d.maxPlacesPerClient ?? 0) } },
  );
}

/** A place in line from the join script's fields: token, status, whether new, position and ETA, the sale. */
export function joinAnswer(fields: string[], d: RoomDefaults, now: number) {
  const [token = "", code = "W", position, isNew, rate = "", opensAt, sale, held] = fields;
  const status = STATUS[code as keyof typeof STATUS];
  const ratePerSec = rate === "" ? d.defaultRate : Number(rate);
  const place = placeOf(status, Number(position), Number(opensAt), ratePerSec, now);
  return { token, status, isNew: isNew === "1", ...place, sale: saleFromReply(sale, held) };
}

/** Where a waiter stands from the status script's fields; a token the room does not know is QUEUE_PLACE_LOST. */
export function statusAnswer(
  eventId: string,
  fields: string[],
  d: RoomDefaults,
  now: number,
): Omit<QueueStatus, "rateLimit"> {
  const [
    code = "",
    position,
    seq,
    joinedMs,
    rate = "",
    served,
    lastMoveId = "",
    opensAt,
    line = "",
    sale,
    held,
  ] = fields;
  // A token the room does not know: its place went with Redis's data (or with the line's keys).
  if (code === "") throw placeLost();
  const ratePerSec = rate === "" ? d.defaultRate : Number(rate);
  const status = STATUS[code as keyof typeof STATUS];
  const joined = Number(joinedMs);
  return {
    eventId,
    status,
    ...placeOf(status, Number(position), Number(opensAt), ratePerSec, now),
    waitingTimeSec: joined ? Math.max(0, Math.round((now - joined) / 1000)) : 0,
    seq: Number(seq),
    served: Number(served),
    ratePerSec,
    lastMoveId,
    line,
    sale: saleFromReply(sale, held),
  };
}

/** Why the enter script refused a pass; undefined when it admitted the caller. */
export function enterRefusal(result: number): Error | undefined {
  switch (result) {
    case EnterResult.Ok:
      return undefined;
    case EnterResult.StillWaiting:
      return new AppError("NOT_READY", "You are still waiting in line");
    case EnterResult.OtherUser:
      return new AppError("FORBIDDEN", "This place in line belongs to another user");
    case EnterResult.UnknownToken:
      return placeLost();
    case EnterResult.NotAdmitted:
      return new AppError("NOT_READY", "This place in line has expired or was given up; join again");
    default:
      return new Error(`unexpected enter result ${result}`);
  }
}

/** The settings hash's fields as the settings, in the order `SETTINGS_FIELDS` names them. */
export const SETTINGS_FIELDS = [
  "rate",
  "cap",
  "paused",
  "opens_at",
  "sv",
  "auto_min",
  "auto_max",
  "pow",
] as const;

/** An event's admission settings from its settings hash (`SETTINGS_FIELDS`); `known`: Redis has them. */
export function settingsFrom(values: (string | null)[], d: RoomDefaults) {
  const [rate, cap, paused, opensAt, version, autoMin, autoMax, pow] = values;
  const settings: QueueSettings = {
    rate: rate == null ? d.defaultRate : Number(rate),
    cap: cap == null ? d.defaultCap : Number(cap),
    paused: paused === "1",
    opensAt: opensAt == null || opensAt === "0" ? null : Number(opensAt),
    auto: autoBounds(autoMin, autoMax),
    challengeDifficulty: Number(pow ?? 0),
  };
  return { settings, known: version != null };
}

/** The self-tuning bounds (governor.ts) from their two fields; null unless both are set. */
export function autoBounds(min: string | null | undefined, max: string | null | undefined) {
  return min == null || max == null ? null : { min: Number(min), max: Number(max) };
}

/** The settings hash's fields an operator's change writes (without a durable store); `auto: null` clears. */
export function settingsChange(change: Partial<QueueSettings>): Record<string, string> {
  const fields: Record<string, string> = {};
  if (change.rate !== undefined) fields.rate = String(change.rate);
  if (change.cap !== undefined) fields.cap = String(change.cap);
  if (change.challengeDifficulty !== undefined) fields.pow = String(change.challengeDifficulty);
  if (change.paused !== undefined) fields.paused = change.paused ? "1" : "0";
  if (change.opensAt !== undefined) fields.opens_at = String(change.opensAt ?? 0);
  if (change.auto)
    Object.assign(fields, { auto_min: String(change.auto.min), auto_max: String(change.auto.max) });
  return fields;
}
