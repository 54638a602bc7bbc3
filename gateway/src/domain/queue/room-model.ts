import { AppError, type Logger, type SaleTally } from "@tt/kit";
import type { RateDecision } from "../ratelimit/decision.ts";
import { etaSeconds } from "./eta.ts";
import type { AutoAdmission } from "./governor.ts";
import type { Sale, SaleWindow, Stock } from "./sale.ts";
import type { QueueSettingsStore } from "./settings-store.ts";
import { eventOfWaitingToken } from "./tokens.ts";

// The waiting room's types and the small pure helpers its rules and its Redis adapter use.

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

/** What one admission tick is told: a new stock reading, the self-tuned rate, the sale window. */
export interface AdmissionTick {
  stock?: Stock | undefined;
  rate?: number | undefined;
  window?: SaleWindow | undefined;
}

/** What one admission tick did (see RoomLines.admitTick for `needsSettings` and `gone`). */
export interface TickResult {
  admitted: number;
  dropped: number;
  /** Time in line (ms) of each buyer this tick admitted. */
  waits: number[];
  waiting: number;
  ratePerSec: number;
  needsSettings: boolean;
  gone: boolean;
}

/**
 * The room as the admission ticker drives it: the port ticker.ts depends on, so the ticker's
 * rules need no storage; the waiting room's Redis adapter is one.
 */
export interface AdmissionLines {
  activeEvents(): Promise<string[]>;
  registerEvents(eventIds: string[]): Promise<void>;
  tryLease(eventId: string, owner: string, ttlMs: number): Promise<boolean>;
  admitTick(eventId: string, tick?: AdmissionTick): Promise<TickResult>;
  forgetEvent(eventId: string): Promise<void>;
  restoreSettings(eventId: string): Promise<boolean>;
}
