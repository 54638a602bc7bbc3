/** The narrow interfaces the inventory core needs; adapters implement them, tests fake them. */
import type {
  EventInfo,
  Hold,
  PurchasePolicy,
  PurchasePolicyChange,
  QueueSettings,
  QueueSettingsChange,
  Seat,
} from "./model.ts";

/** A hold to write: every seat or none. */
export interface HoldWrite {
  event: EventInfo;
  reservationId: string;
  userId: string;
  seatIds: string[];
  holdExpiresAt: number;
  totalAmount: bigint;
  now: number;
}

/** What a write changed, so the read cache can follow without reading the store again. */
export interface WriteResult {
  hold: Hold;
  /** New state of every seat the write touched. */
  changed: Seat[];
}

/**
 * The source of truth for seats and holds. Every state change is conditional on the seat's
 * current state (a seat is free when AVAILABLE or HELD with its hold passed), so concurrent
 * writers can never both win a seat.
 *
 * Throws SeatsUnavailableError (naming the seats), InventoryConflictError (writers kept colliding
 * after retries) or InvalidHoldStateError (the reservation already holds other seats / finished).
 */
export interface SeatStore {
  /** Holds all seats for the reservation or none; re-sending the same hold succeeds again. */
  hold(write: HoldWrite): Promise<WriteResult>;
  /** The reservation's hold on an event, read strongly consistent; undefined when none. */
  getHold(reservationId: string, eventId: string): Promise<Hold | undefined>;
  /** HELD-by-this-reservation → SOLD for every seat of a live hold, or nothing. */
  commit(event: EventInfo, hold: Hold, orderId: string, now: number): Promise<WriteResult>;
  /**
   * Marks the reservation's hold released — first, so that no later hold of this reservation can
   * land — then frees its seats (the given ones and those its hold record names) where this
   * reservation still holds them. A SOLD hold is left alone.
   */
  release(
    event: EventInfo,
    reservationId: string,
    seatIds: string[],
    reason: string,
    now: number,
  ): Promise<{ released: string[]; changed: Seat[] }>;
  /** These seats as stored now (strongly consistent), holder and buyer included. */
  readSeats(event: EventInfo, seatIds: string[]): Promise<Seat[]>;
  /** Every seat of the event (for rebuilding the read cache). */
  loadSeats(event: EventInfo): Promise<Seat[]>;
  /**
   * Frees those of `seatIds` still HELD by a hold that ended before `cutoff`, whoever holds them
   * (each conditionally: a seat sold or re-held since has a later expiry, or none, and is left
   * alone); returns the freed seats.
   */
  releaseLapsed(event: EventInfo, seatIds: string[], cutoff: number, now: number): Promise<Seat[]>;
}

/** Events and their seat maps. */
export interface EventStore {
  /** Creates the event and all its seats AVAILABLE; returns the stored event when it already exists. */
  create(event: EventInfo): Promise<{ event: EventInfo; created: boolean }>;
  /** The event, or undefined when it does not exist (or is still being created). */
  get(eventId: string): Promise<EventInfo | undefined>;
  /** Events by start time, a page at a time. */
  list(pageSize: number, pageToken?: string): Promise<{ events: EventInfo[]; nextPageToken?: string }>;
  /** The event's queue settings (read strongly consistent), or undefined when there is no such event. */
  queueSettings(eventId: string): Promise<QueueSettings | undefined>;
  /** Applies the change and bumps the version; undefined when there is no such event. */
  updateQueueSettings(eventId: string, change: QueueSettingsChange): Promise<QueueSettings | undefined>;
}

/** Each event's purchase policy, stored with the event. */
export interface PurchasePolicyStore {
  /** The event's policy (read strongly consistent), or undefined when there is no such event. */
  get(eventId: string): Promise<PurchasePolicy | undefined>;
  /** Applies the change and bumps the version; undefined when there is no such event. */
  update(eventId: string, change: PurchasePolicyChange): Promise<PurchasePolicy | undefined>;
}

/** Seat state as the read cache keeps it (no holder: the map is public). */
export type CachedSeat = Pick<Seat, "status" | "holdExpiresAt" | "updatedAt">;

/** A shared, bounded-stale copy of each event's seat map (Redis in production). */
export interface SeatMapCache {
  /** The event's seat map and when it was last rebuilt, or undefined when there is none yet. */
  read(eventId: string): Promise<{ seats: Map<string, CachedSeat>; builtAt: number } | undefined>;
  /** Applies newer seat states to an existing map; an older state never overwrites a newer one. */
  apply(eventId: string, seats: Seat[]): Promise<void>;
  /** Writes a full map read from the store (newer cached states win) and stamps it built. */
  rebuild(eventId: string, seats: Seat[], builtAt: number): Promise<void>;
  /** Takes a short lease so that one instance rebuilds a map at a time. */
  tryLease(eventId: string, ttlMs: number): Promise<boolean>;
}

/** The operations whose outcomes and latencies are measured. */
export type Operation = "hold" | "precheck" | "commit" | "release" | "status" | "create_event";

/** What the core reports; the Prometheus adapter turns it into counters and histograms. */
export interface InventoryMetrics {
  /** One finished operation with its outcome ("ok" or an error code) and duration. */
  observe(op: Operation, outcome: string, seconds: number): void;
  /** A storage transaction was cancelled by a concurrent one (it is retried). */
  transactionConflict(op: Operation): void;
  /** The seat map was rebuilt from the store. */
  cacheRebuilt(eventId: string, seconds: number): void;
  /** The read cache could not be used (it heals on the next rebuild). */
  cacheError(): void;
}

/** Milliseconds since the epoch; injectable so tests control time. */
export type Clock = () => number;
