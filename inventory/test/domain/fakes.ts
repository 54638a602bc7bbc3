// In-memory fakes of the inventory's narrow ports, with the same rules as the real adapters.
import {
  HoldExpiredError,
  HoldNotFoundError,
  InvalidHoldStateError,
  InvalidInputError,
  SeatsUnavailableError,
} from "../../src/domain/errors.ts";
import { EventCatalog, type NewEvent } from "../../src/domain/events.ts";
import { Inventory } from "../../src/domain/inventory.ts";
import { allSeatIds } from "../../src/domain/layout.ts";
import {
  type EventInfo,
  type Hold,
  isFree,
  type QueueSettings,
  type QueueSettingsChange,
  type Seat,
} from "../../src/domain/model.ts";
import type {
  CachedSeat,
  EventStore,
  HoldWrite,
  InventoryMetrics,
  SeatMapCache,
  SeatStore,
} from "../../src/domain/ports.ts";
import { SeatMaps } from "../../src/domain/seat-map.ts";

// A released hold record written before any hold landed (the fence of a compensation).
const TOMBSTONE: Omit<Hold, "reservationId" | "eventId"> = {
  seatIds: [],
  status: "RELEASED",
  holdExpiresAt: 0,
  userId: "",
  totalAmount: 0n,
  currency: "",
};

/** Seats and holds in maps; every change checks the same conditions as the DynamoDB adapter. */
export class MemorySeatStore implements SeatStore {
  readonly seats = new Map<string, Seat>();
  readonly holds = new Map<string, Hold>();
  loads = 0;
  /** Hold transactions sent, and how long each takes (a store round trip). */
  holdCalls = 0;
  holdDelayMs = 0;

  add(event: EventInfo): void {
    for (const seatId of allSeatIds(event))
      this.seats.set(`${event.eventId}/${seatId}`, { seatId, status: "AVAILABLE", updatedAt: 0 });
  }

  async hold(w: HoldWrite) {
    this.holdCalls += 1;
    if (this.holdDelayMs > 0) await Bun.sleep(this.holdDelayMs);
    const key = `${w.reservationId}/${w.event.eventId}`;
    const existing = this.holds.get(key);
    const same = existing && [...existing.seatIds].sort().join() === [...w.seatIds].sort().join();
    if (existing && !(existing.status === "HELD" && same)) {
      if (existing.status === "SOLD" && same) return { hold: existing, changed: [] };
      throw new InvalidHoldStateError("holds other seats");
    }
    const lost = w.seatIds.filter((id) => {
      const s = this.seats.get(`${w.event.eventId}/${id}`);
      return !s || !(isFree(s, w.now) || (s.status === "HELD" && s.holder === w.reservationId));
    });
    if (lost.length > 0) {
      const states = lost.flatMap((id) => this.seats.get(`${w.event.eventId}/${id}`) ?? []);
      throw new SeatsUnavailableError(lost, states, w.userId);
    }
    const changed = w.seatIds.map((seatId) => {
      const seat: Seat = {
        seatId,
        status: "HELD",
        holder: w.reservationId,
        userId: w.userId,
        holdExpiresAt: w.holdExpiresAt,
        updatedAt: w.now,
      };
      this.seats.set(`${w.event.eventId}/${seatId}`, seat);
      return seat;
    });
    const hold: Hold = { ...w, eventId: w.event.eventId, status: "HELD", currency: w.event.currency };
    this.holds.set(key, hold);
    return { hold, changed };
  }

  async getHold(reservationId: string, eventId: string) {
    return this.holds.get(`${reservationId}/${eventId}`);
  }

  async commit(event: EventInfo, named: Hold, orderId: string, now: number) {
    // The same checks as the transaction's conditions (the caller may not have read the hold).
    const hold = this.holds.get(`${named.reservationId}/${event.eventId}`);
    if (!hold) throw new HoldNotFoundError(named.reservationId);
    if ([...hold.seatIds].sort().join() !== [...named.seatIds].sort().join()) {
      throw new InvalidInputError("seat_ids", "differ from the seats this reservation holds");
    }
    if (hold.status === "SOLD") return { hold, changed: [] };
    if (hold.status === "RELEASED") throw new InvalidHoldStateError("released");
    if (hold.holdExpiresAt < now) throw new HoldExpiredError(hold.reservationId);
    const sold: Hold = { ...hold, status: "SOLD", orderId, committedAt: now };
    const changed = hold.seatIds.map((seatId) => {
      const seat: Seat = { seatId, status: "SOLD", holder: hold.reservationId, updatedAt: now };
      this.seats.set(`${event.eventId}/${seatId}`, seat);
      return seat;
    });
    this.holds.set(`${hold.reservationId}/${event.eventId}`, sold);
    return { hold: sold, changed };
  }

  async release(event: EventInfo, rid: string, seatIds: string[], reason: string, now: number) {
    const key = `${rid}/${event.eventId}`;
    const hold = this.holds.get(key);
    if (hold?.status === "SOLD") return { released: [], changed: [] };
    if (!hold && reason === "EXPIRED") return { released: [], changed: [] };
    if (!hold || hold.status === "HELD") {
      const fence: Hold = hold ?? { ...TOMBSTONE, reservationId: rid, eventId: event.eventId };
      this.holds.set(key, { ...fence, status: "RELEASED", releaseReason: reason });
    }
    if (!hold) return { released: [], changed: [] };
    const released = [...new Set([...hold.seatIds, ...seatIds])].filter((id) => {
      const s = this.seats.get(`${event.eventId}/${id}`);
      return s?.status === "HELD" && s.holder === rid;
    });
    const changed = released.map((seatId) => {
      const seat: Seat = { seatId, status: "AVAILABLE", updatedAt: now };
      this.seats.set(`${event.eventId}/${seatId}`, seat);
      return seat;
    });
    return { released, changed };
  }

  async releaseLapsed(event: EventInfo, seatIds: string[], cutoff: number, now: number) {
    return seatIds.flatMap((seatId) => {
      const key = `${event.eventId}/${seatId}`;
      const s = this.seats.get(key);
      if (s?.status !== "HELD" || (s.holdExpiresAt ?? 0) >= cutoff) return [];
      const seat: Seat = { seatId, status: "AVAILABLE", updatedAt: now };
      this.seats.set(key, seat);
      return [seat];
    });
  }

  async readSeats(event: EventInfo, seatIds: string[]) {
    return seatIds.flatMap((id) => {
      const s = this.seats.get(`${event.eventId}/${id}`);
      return s ? [{ ...s }] : [];
    });
  }

  async loadSeats(event: EventInfo) {
    this.loads += 1;
    return [...this.seats.entries()]
      .filter(([k]) => k.startsWith(`${event.eventId}/`))
      .map(([, s]) => ({ ...s }));
  }
}

/** Events in a map. */
export class MemoryEventStore implements EventStore {
  readonly events = new Map<string, EventInfo>();
  constructor(private readonly seats: MemorySeatStore) {}
  async create(event: EventInfo) {
    const existing = this.events.get(event.eventId);
    if (existing) return { event: existing, created: false };
    this.events.set(event.eventId, event);
    this.seats.add(event);
    return { event, created: true };
  }
  async get(eventId: string) {
    return this.events.get(eventId);
  }
  async list() {
    return { events: [...this.events.values()] };
  }
  readonly settings = new Map<string, QueueSettings>();
  async queueSettings(eventId: string) {
    if (!this.events.has(eventId)) return undefined;
    return this.settings.get(eventId) ?? { paused: false, version: 0 };
  }
  async updateQueueSettings(eventId: string, change: QueueSettingsChange) {
    const current = await this.queueSettings(eventId);
    if (!current) return undefined;
    const { opensAt, ...rest } = change;
    const next: QueueSettings = {
      ...current,
      ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
      ...(opensAt === undefined ? {} : { opensAt: opensAt ?? undefined }),
      version: current.version + 1,
    };
    this.settings.set(eventId, next);
    return next;
  }
}

/** The shared seat-map cache as a map of maps. */
export class MemorySeatMapCache implements SeatMapCache {
  readonly maps = new Map<string, { seats: Map<string, CachedSeat>; builtAt: number }>();
  async read(eventId: string) {
    const m = this.maps.get(eventId);
    return m ? { seats: new Map(m.seats), builtAt: m.builtAt } : undefined;
  }
  async apply(eventId: string, seats: Seat[]) {
    const m = this.maps.get(eventId);
    if (m) for (const s of seats) m.seats.set(s.seatId, s);
  }
  async rebuild(eventId: string, seats: Seat[], builtAt: number) {
    this.maps.set(eventId, { seats: new Map(seats.map((s) => [s.seatId, s])), builtAt });
  }
  async tryLease() {
    return true;
  }
}

/** Metrics that only remember what was observed. */
export function memoryMetrics() {
  const observed: string[] = [];
  const metrics: InventoryMetrics = {
    observe: (op, outcome) => observed.push(`${op}:${outcome}`),
    transactionConflict: () => undefined,
    cacheRebuilt: () => undefined,
    cacheError: () => undefined,
  };
  return { metrics, observed };
}

/** An inventory core over the fakes, with a settable clock. */
export function fakeInventory(opts: { localTtlMs?: number } = {}) {
  const time = { now: Date.parse("2025-06-01T12:00:00Z") };
  const clock = () => time.now;
  const seats = new MemorySeatStore();
  const cache = new MemorySeatMapCache();
  const { metrics, observed } = memoryMetrics();
  const events = new EventCatalog(new MemoryEventStore(seats), clock, 4);
  const maps = new SeatMaps(cache, seats, metrics, clock, {
    localTtlMs: opts.localTtlMs ?? 0,
    rebuildEveryMs: 30_000,
  });
  const inventory = new Inventory(
    { events, seats, maps, metrics, clock },
    { maxSeatsPerReservation: 4, defaultHoldMs: 60_000, maxHoldMs: 900_000 },
  );
  return { inventory, events, seats, cache, maps, time, observed };
}

/** A small event on sale at the fake clock's time: A = 3 rows × 8, B = 1 row × 4. */
export function smallEvent(eventId = "evt_small"): NewEvent {
  return {
    eventId,
    name: "Small show",
    venue: "Club",
    startsAt: new Date("2025-07-01T19:00:00Z"),
    saleOpensAt: new Date("2025-06-01T00:00:00Z"),
    saleClosesAt: new Date("2025-06-30T00:00:00Z"),
    currency: "KRW",
    sections: [
      { sectionId: "A", name: "Front", price: 100n, rows: 3, seatsPerRow: 8 },
      { sectionId: "B", name: "Back", price: 50n, rows: 1, seatsPerRow: 4 },
    ],
  };
}
