/** The inventory's vocabulary: events, sections, seats and holds, free of any storage or RPC type. */

/** A seat's stored state. A HELD seat whose hold has passed counts as free (lazy expiry). */
export type SeatStatus = "AVAILABLE" | "HELD" | "SOLD";

/** A priced block of `rows × seatsPerRow` seats; seat ids are `{sectionId}-{row}-{number}`. */
export interface Section {
  sectionId: string;
  name: string;
  /** Price of one seat in the currency's minor unit. */
  price: bigint;
  rows: number;
  seatsPerRow: number;
}

/** An event with a sale window and a seat map. Immutable once created. */
export interface EventInfo {
  eventId: string;
  name: string;
  venue: string;
  startsAt: Date;
  saleOpensAt: Date;
  saleClosesAt: Date;
  /** ISO 4217 code of every price. */
  currency: string;
  /** In the order the organiser listed them, which is also the "best first" order. */
  sections: Section[];
  /** How many storage partitions the seats are spread over; fixed when the event is created. */
  seatShards: number;
}

/**
 * An operator's admission settings for an event's waiting room, kept with the event so that they
 * survive the loss of the gateway's Redis. Absent rate or cap: the gateway's default.
 */
export interface QueueSettings {
  rate?: number | undefined;
  cap?: number | undefined;
  paused: boolean;
  /** Pre-queue opening, epoch ms; absent: no pre-queue. */
  opensAt?: number | undefined;
  /** Self-tuning admission's bounds (admissions per second); absent: the fixed rate. */
  auto?: { min: number; max: number } | undefined;
  /** Join challenge difficulty (leading zero bits); absent or 0: joins need none. */
  challengeDifficulty?: number | undefined;
  /** Goes up with every change (a copy with a lower version is stale); 0: never changed. */
  version: number;
}

/** A change of some queue settings; `opensAt: null` removes the pre-queue. */
export interface QueueSettingsChange {
  rate?: number | undefined;
  cap?: number | undefined;
  paused?: boolean | undefined;
  opensAt?: number | null | undefined;
  /** New self-tuning bounds; null: back to the fixed rate. */
  auto?: { min: number; max: number } | null | undefined;
  /** A new join challenge difficulty; 0: none. */
  challengeDifficulty?: number | undefined;
}

/**
 * What one buyer may hold and buy of an event, kept with the event; the reservation service
 * enforces it. Absent: that service's default (docs/spec.md, "Purchase policy").
 */
export interface PurchasePolicy {
  /** Most live reservations (HOLD, hold not passed) one buyer may have at once. */
  maxLiveReservations?: number | undefined;
  /** Most seats one buyer may hold and buy in all. */
  maxSeatsPerUser?: number | undefined;
  /** Goes up with every change; 0: never changed. */
  version: number;
}

/** A change of the purchase policy; `null` gives a field back to the default. */
export interface PurchasePolicyChange {
  maxLiveReservations?: number | null | undefined;
  maxSeatsPerUser?: number | null | undefined;
}

/** One seat as the store knows it. */
export interface Seat {
  seatId: string;
  status: SeatStatus;
  /** Reservation holding (or having bought) the seat. */
  holder?: string | undefined;
  /** The user of that reservation, when the store said. */
  userId?: string | undefined;
  /** Epoch ms; meaningful while HELD. */
  holdExpiresAt?: number | undefined;
  /** Epoch ms of the last write, used to order cache updates. */
  updatedAt: number;
}

/** A reservation's claim on seats of one event; the store keeps it next to the seats. */
export interface Hold {
  reservationId: string;
  eventId: string;
  seatIds: string[];
  status: "HELD" | "SOLD" | "RELEASED";
  holdExpiresAt: number;
  userId: string;
  totalAmount: bigint;
  currency: string;
  orderId?: string | undefined;
  committedAt?: number | undefined;
  /** Why a RELEASED hold was released (the ReleaseReason name, e.g. "EXPIRED"). */
  releaseReason?: string | undefined;
}

/** Seats per state in one section. */
export interface SectionCount {
  sectionId: string;
  total: number;
  available: number;
  held: number;
  sold: number;
}

/** A seat's status as a buyer sees it at `now`: expired holds read as AVAILABLE. */
export function effectiveStatus(seat: Pick<Seat, "status" | "holdExpiresAt">, now: number): SeatStatus {
  if (seat.status === "HELD" && (seat.holdExpiresAt ?? 0) < now) return "AVAILABLE";
  return seat.status;
}

/** True when a seat may be taken by a new hold at `now` (AVAILABLE, or HELD with the hold passed). */
export function isFree(seat: Pick<Seat, "status" | "holdExpiresAt">, now: number): boolean {
  return effectiveStatus(seat, now) === "AVAILABLE";
}
