import { AppError, type Logger, redisError, type SaleTally } from "@tt/kit";
import type { RateDecision } from "../ratelimit/decision.ts";
import { etaSeconds } from "./eta.ts";
import type { AutoAdmission } from "./governor.ts";
import type { Sale } from "./sale.ts";
import type { QueueSettingsStore } from "./settings-store.ts";
import { eventOfWaitingToken } from "./tokens.ts";

// The waiting room's types and the small pure helpers its Redis adapter uses.

/** Tuning of the waiting room (see gateway config). */
export interface WaitingRoomOptions {
  heartbeatTimeoutMs: number;
  /** How long an admission counts against the cap unless the buyer leaves first. */
  admittedTtlMs: number;
  reservationTokenTtlSec: number;
  reservationTokenSecret: string;
  defaultRate: number;
  defaultCap: number;
  /** Per-event limit on each client IP and user for join, status and enter; undefined: off. */
  rateLimit?: { perSec: number; burst: number };
  /** Most live anonymous places per client address per event (only with `rateLimit`); 0 or undefined: no cap. */
  maxPlacesPerClient?: number;
  /** Lifetime of an event's queue keys after the last join. */
  keysTtlSec?: number;
  /**
   * Where the operator's settings are kept durably (with the event, in inventory). With one, a
   * line whose Redis settings are missing admits nobody, and takes no joins, until they are put
   * back from there; without one they live in Redis only.
   */
  settingsStore?: QueueSettingsStore;
  /** Counts new places (joined) and places given up while waiting (sale analytics); none: not counted. */
  tally?: Pick<SaleTally, "count" | "abandoned">;
  /** Told when a join starts a new line: an event's first, or the first after Redis lost its line. */
  onLineBorn?: (eventId: string) => void;
  log?: Pick<Logger, "warn">;
  now?: () => number;
}

/** Where a waiter stands, as the status route and the WebSocket report it. */
export interface QueueStatus {
  eventId: string;
  status: "waiting" | "ready" | "expired" | "left";
  /** Live waiters ahead + 1; null while the pre-queue is closed (places are drawn at opening). */
  position: number | null;
  /** Seconds until admission (or, in a closed pre-queue, until it opens); null when unknown. */
  etaSec: number | null;
  waitingTimeSec: number;
  /** When the pre-queue opens (epoch ms), if the event has one that has not opened yet. */
  opensAt: number | null;
  seq: number;
  served: number;
  ratePerSec: number;
  /** Stream id of the last queue move this answer includes ("" unless asked for). */
  lastMoveId: string;
  /** The id of the line the place is in ("" unless the move was asked for, or for a line older than ids). */
  line: string;
  /** Whether the event still has seats to offer (sale.ts). */
  sale: Sale;
  /** The caller's rate-limit verdict, when the call was limited. */
  rateLimit?: RateDecision | undefined;
}

/** Who is calling, for the per-event rate limit of join, status and enter. */
export interface Caller {
  ip: string;
  userId?: string | undefined;
}

/** RATE_LIMITED with the bucket verdict, so the route can still send the X-RateLimit-* headers. */
export class QueueRateLimited extends AppError {
  override readonly name = "QueueRateLimited";
  constructor(readonly decision: RateDecision) {
    super("RATE_LIMITED", `Too many requests; retry in ${decision.retryAfterSec} s`, {
      retryAfterSec: decision.retryAfterSec,
      metadata: { scope: decision.scope },
    });
  }
}

/** Live-changeable admission settings of one event. */
export interface QueueSettings {
  rate: number;
  cap: number;
  paused: boolean;
  /** Sale start (epoch ms) for a pre-queue: earlier joiners are shuffled at this time; null for none. */
  opensAt: number | null;
  /** Self-tuning bounds (governor.ts): admission follows the back end's health within them; null: `rate` fixed. */
  auto: AutoAdmission | null;
  /** Leading zero bits a joiner's challenge solution needs (docs/spec.md, "Bot protection"); 0: no challenge. */
  challengeDifficulty: number;
}

/**
 * The client seen through a proxy that turns every Redis failure into a catalogue error
 * (503/504), so callers never see a storage exception, only a code from the error catalogue.
 */
export function translated<T extends object>(client: T): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const result = value.apply(target, args);
        return result instanceof Promise
          ? result.catch((error: unknown) => Promise.reject(redisError(error)))
          : result;
      };
    },
  });
}

/**
 * QUEUE_PLACE_LOST: the waiting room does not know the place (Redis lost its data, or the line's
 * keys expired); the token will never work again, the buyer must join again.
 */
export function placeLost(): AppError {
  return new AppError(
    "QUEUE_PLACE_LOST",
    "This place in line no longer exists: the waiting room lost it. Please join the queue again",
  );
}

/** Token record status letters (see the scripts' headers) → the words clients see. */
export const STATUS = { W: "waiting", R: "ready", X: "expired", L: "left" } as const;

/** The event of a waiting token; a malformed token is VALIDATION_FAILED. */
export function tokenEvent(token: string): string {
  const eventId = eventOfWaitingToken(token);
  if (!eventId)
    throw new AppError("VALIDATION_FAILED", "token: is not a waiting token", {
      metadata: { field: "token" },
    });
  return eventId;
}

/** Position and ETA as buyers see them; in a closed pre-queue the place is not drawn yet. */
export function placeOf(
  status: QueueStatus["status"],
  position: number,
  opensAt: number,
  ratePerSec: number,
  now: number,
) {
  if (status !== "waiting") return { position: 0, etaSec: 0, opensAt: null };
  if (opensAt > now) return { position: null, etaSec: Math.ceil((opensAt - now) / 1000), opensAt };
  return { position, etaSec: etaSeconds(position, ratePerSec), opensAt: null };
}
