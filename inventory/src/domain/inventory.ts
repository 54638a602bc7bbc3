/** The inventory core: holds, commits, releases and availability over the narrow ports. */
import { AppError } from "@tt/kit";
import { pickBestSeats } from "./best-seats.ts";
import { HoldExpiredError, HoldNotFoundError, InvalidHoldStateError, InvalidInputError } from "./errors.ts";
import type { EventCatalog } from "./events.ts";
import { pickAndHold, refuseTaken } from "./hold-picks.ts";
import { priceOf } from "./layout.ts";
import type { Hold, SeatStatus, SectionCount } from "./model.ts";
import type { Clock, InventoryMetrics, Operation, SeatStore } from "./ports.ts";
import { SeatLanes } from "./seat-lanes.ts";
import { countSections, type SeatMaps, statusIn } from "./seat-map.ts";
import { checkOpaqueId, checkQuantity, checkSeatIds } from "./validate.ts";

/** Limits of the inventory (from configuration). */
export interface InventoryOptions {
  /** Most seats one reservation may hold (docs/spec.md, "Reservations": 10 by default). */
  maxSeatsPerReservation: number;
  /** Hold length when the caller gives no expiry. */
  defaultHoldMs: number;
  /** Longest hold a caller may ask for. */
  maxHoldMs: number;
}

/** A hold request: explicit seats, or a quantity (optionally within one section). */
export interface ReserveInput {
  reservationId: string;
  eventId: string;
  seatIds: string[];
  quantity: number;
  sectionId: string;
  userId: string;
  /** Epoch ms; undefined means now + the default hold length. */
  holdExpiresAt?: number | undefined;
}

/** Identifies a reservation's seats for commit and release; seat ids are optional. */
export interface ReservationSeats {
  reservationId: string;
  eventId: string;
  seatIds: string[];
}

/** One entry of the public seat map. */
export interface SeatView {
  seatId: string;
  sectionId: string;
  status: SeatStatus;
}

// The hold a commit that names its seats starts from, without reading it (see commit).
const UNREAD_HOLD: Omit<Hold, "reservationId" | "eventId" | "seatIds"> = {
  status: "HELD",
  holdExpiresAt: 0,
  userId: "",
  totalAmount: 0n,
  currency: "",
};

/** Holds, commits and releases seats with zero oversell, and answers availability from the cache. */
export class Inventory {
  private readonly lanes: SeatLanes;

  constructor(
    private readonly deps: {
      events: EventCatalog;
      seats: SeatStore;
      maps: SeatMaps;
      metrics: InventoryMetrics;
      clock: Clock;
    },
    private readonly options: InventoryOptions,
  ) {
    this.lanes = new SeatLanes(deps.seats, deps.clock);
  }

  /** Holds every requested seat for the reservation, or none. Idempotent per reservation. */
  reserve(input: ReserveInput): Promise<Hold> {
    return this.timed("hold", async () => {
      const { seats, maps } = this.deps;
      const { event, write, seatIds } = await this.opening(input);
      const limit = this.options.maxSeatsPerReservation;
      if (seatIds) {
        await refuseTaken(this.deps, event, input.reservationId, input.userId, seatIds, write.now);
        const result = await this.lanes.hold({ ...write, seatIds, totalAmount: priceOf(event, seatIds) });
        await maps.written(event.eventId, result.changed);
        return result.hold;
      }
      checkQuantity(event, input.quantity, input.sectionId, limit);
      // A re-sent quantity request must get the seats it got the first time, not more seats.
      const existing = await seats.getHold(input.reservationId, event.eventId);
      if (existing) {
        if (existing.seatIds.length !== input.quantity) {
          throw new InvalidHoldStateError("This reservation already holds a different number of seats");
        }
        const result = await this.lanes.hold({
          ...write,
          seatIds: existing.seatIds,
          totalAmount: existing.totalAmount,
        });
        await maps.written(event.eventId, result.changed);
        return result.hold;
      }
      return pickAndHold({ maps, lanes: this.lanes }, event, input, write);
    });
  }

  /**
   * The hold's certain refusals and nothing else: throws what a hold of these seats would surely
   * be refused with (a seat the store shows taken, or one a hold in flight has just taken), else
   * returns having held nothing. The caller arms no timer for a hold refused here. A quantity
   * passes: which seats it gets is decided by the hold itself.
   */
  precheck(input: ReserveInput): Promise<void> {
    return this.timed("precheck", async () => {
      const { event, write, seatIds } = await this.opening(input);
      if (!seatIds) return;
      await refuseTaken(this.deps, event, input.reservationId, input.userId, seatIds, write.now);
      await this.lanes.precheck({ ...write, seatIds });
    });
  }

  // What every hold and precheck checks first: ids, the event and its sale, the hold's expiry,
  // and the seats (undefined for a quantity, which is checked by the hold).
  private async opening(input: ReserveInput) {
    checkOpaqueId("reservation_id", input.reservationId);
    checkOpaqueId("user_id", input.userId, false);
    const event = await this.deps.events.require(input.eventId);
    const now = this.deps.clock();
    if (now < event.saleOpensAt.getTime() || now > event.saleClosesAt.getTime()) {
      throw new InvalidHoldStateError(`The sale of ${event.eventId} is not open`);
    }
    const holdExpiresAt = this.expiry(input.holdExpiresAt, now);
    const write = { event, reservationId: input.reservationId, userId: input.userId, holdExpiresAt, now };
    if (input.seatIds.length === 0) return { event, write, seatIds: undefined };
    if (input.quantity && input.quantity !== input.seatIds.length) {
      throw new InvalidInputError("quantity", "must be 0 or the number of seat_ids");
    }
    return { event, write, seatIds: checkSeatIds(event, input.seatIds, this.options.maxSeatsPerReservation) };
  }

  /** Turns the reservation's live hold into sold seats, all or none. Idempotent. */
  commit(input: ReservationSeats & { orderId: string }): Promise<Hold> {
    return this.timed("commit", async () => {
      const { events, seats, maps, clock } = this.deps;
      checkOpaqueId("reservation_id", input.reservationId);
      checkOpaqueId("order_id", input.orderId, false);
      const event = await events.require(input.eventId);
      const now = clock();
      if (input.seatIds.length > 0) {
        // The caller names the seats: try the commit straight away. Its transaction checks
        // everything the read below would (each seat HELD by this reservation and live, the hold
        // record HELD), and the store reads the hold only when it refuses, to say why.
        const seatIds = checkSeatIds(event, input.seatIds, Number.MAX_SAFE_INTEGER);
        const named: Hold = {
          ...UNREAD_HOLD,
          reservationId: input.reservationId,
          eventId: event.eventId,
          seatIds,
        };
        const result = await seats.commit(event, named, input.orderId, now);
        await maps.written(event.eventId, result.changed);
        return result.hold;
      }
      const hold = await seats.getHold(input.reservationId, event.eventId);
      if (!hold) throw new HoldNotFoundError(input.reservationId);
      if (hold.status === "SOLD") return hold;
      if (hold.status === "RELEASED") {
        if (hold.releaseReason === "EXPIRED" || hold.holdExpiresAt < now)
          throw new HoldExpiredError(hold.reservationId);
        throw new InvalidHoldStateError(`The seats of ${hold.reservationId} were released`);
      }
      if (hold.holdExpiresAt < now) throw new HoldExpiredError(hold.reservationId);
      const result = await seats.commit(event, hold, input.orderId, now);
      await maps.written(event.eventId, result.changed);
      return result.hold;
    });
  }

  /**
   * Frees the seats this reservation still holds; returns those it freed. Idempotent, and final:
   * a hold of this reservation that arrives after its release (a late write whose caller had
   * already given up) is refused, so compensation can never be overtaken.
   */
  release(input: ReservationSeats & { reason: string }): Promise<string[]> {
    return this.timed("release", async () => {
      const { events, seats, maps, clock } = this.deps;
      checkOpaqueId("reservation_id", input.reservationId);
      const event = await events.require(input.eventId);
      if (input.seatIds.length > 0) checkSeatIds(event, input.seatIds, Number.MAX_SAFE_INTEGER);
      const result = await seats.release(event, input.reservationId, input.seatIds, input.reason, clock());
      await maps.written(event.eventId, result.changed);
      return result.released;
    });
  }

  /** Per-section counts and, if asked, the seat map, from the bounded-stale cache. */
  status(eventId: string, includeSeats: boolean) {
    return this.timed("status", async () => {
      const event = await this.deps.events.require(eventId);
      const snapshot = await this.deps.maps.snapshot(event);
      const now = this.deps.clock();
      const sections = countSections(event, snapshot, now);
      const seats: SeatView[] = [];
      if (includeSeats) {
        for (const section of event.sections) {
          for (let row = 1; row <= section.rows; row++) {
            for (let n = 1; n <= section.seatsPerRow; n++) {
              const seatId = `${section.sectionId}-${row}-${n}`;
              seats.push({ seatId, sectionId: section.sectionId, status: statusIn(snapshot, seatId, now) });
            }
          }
        }
      }
      return { event, sections, seats, asOf: snapshot.readAt };
    });
  }

  /** Whether the seats (or a quantity) could be held now, as far as the cache knows. */
  async check(input: { eventId: string; seatIds: string[]; quantity: number; sectionId: string }): Promise<{
    available: boolean;
    unavailableSeatIds: string[];
    sections: SectionCount[];
  }> {
    const event = await this.deps.events.require(input.eventId);
    const snapshot = await this.deps.maps.snapshot(event);
    const now = this.deps.clock();
    const sections = countSections(event, snapshot, now);
    const limit = this.options.maxSeatsPerReservation;
    const isFree = (id: string) => statusIn(snapshot, id, now) === "AVAILABLE";
    if (input.seatIds.length > 0) {
      const unavailableSeatIds = checkSeatIds(event, input.seatIds, limit).filter((id) => !isFree(id));
      return { available: unavailableSeatIds.length === 0, unavailableSeatIds, sections };
    }
    if (input.quantity > 0) {
      checkQuantity(event, input.quantity, input.sectionId, limit);
      const picked = pickBestSeats({ event, quantity: input.quantity, sectionId: input.sectionId, isFree });
      return { available: picked !== undefined, unavailableSeatIds: [], sections };
    }
    const inSection = sections.filter((s) => !input.sectionId || s.sectionId === input.sectionId);
    return { available: inSection.some((s) => s.available > 0), unavailableSeatIds: [], sections };
  }

  private expiry(requested: number | undefined, now: number): number {
    if (requested === undefined) return now + this.options.defaultHoldMs;
    if (!Number.isFinite(requested) || requested <= now) {
      throw new InvalidInputError("hold_expires_at", "must be in the future");
    }
    if (requested > now + this.options.maxHoldMs) {
      throw new InvalidInputError("hold_expires_at", `must be within ${this.options.maxHoldMs / 1000} s`);
    }
    return requested;
  }

  private async timed<T>(op: Operation, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    let outcome = "ok";
    try {
      return await run();
    } catch (error) {
      outcome = error instanceof AppError ? error.code : "error";
      throw error;
    } finally {
      this.deps.metrics.observe(op, outcome, (performance.now() - started) / 1000);
    }
  }
}
