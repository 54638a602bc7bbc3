/**
 * The read path. Availability is answered from a per-event seat map shared through the cache
 * (Redis), never from a store read per request:
 * - every successful hold/commit/release writes the seats it changed into the map;
 * - each instance keeps the map it last read for `localTtlMs` (a micro-cache that turns drop
 *   traffic into a few cache reads per second per instance);
 * - the map is rebuilt from the store when missing and every `rebuildEveryMs`, which heals any
 *   update that was lost (a cache outage, a crash between the store write and the cache write).
 * Staleness: a write is visible to every instance within `localTtlMs` of its success; a lost
 * update is corrected within `rebuildEveryMs`. Hold expiry needs no write at all: a HELD seat
 * whose hold has passed is read as AVAILABLE at read time.
 */
import { detached } from "@tt/kit";
import { sectionSeatIds } from "./layout.ts";
import { type EventInfo, effectiveStatus, type Seat, type SeatStatus, type SectionCount } from "./model.ts";
import type { CachedSeat, Clock, InventoryMetrics, SeatMapCache, SeatStore } from "./ports.ts";

/** A seat map as one instance sees it. */
export interface Snapshot {
  seats: Map<string, CachedSeat>;
  /** When this copy was read from the cache (or the store). */
  readAt: number;
}

/** Tuning of the read path. */
export interface SeatMapOptions {
  localTtlMs: number;
  rebuildEveryMs: number;
  /** How long past its hold a seat may stay HELD before a rebuild frees it (default 5 s). */
  lapsedGraceMs?: number;
}

const LEASE_MS = 10_000;
const WAIT_FOR_REBUILD_MS = 2_000;

/** Per-event seat maps with bounded staleness (see the file comment). */
export class SeatMaps {
  private readonly local = new Map<string, Snapshot>();
  private readonly inflight = new Map<string, Promise<Snapshot>>();

  constructor(
    private readonly cache: SeatMapCache,
    private readonly store: Pick<SeatStore, "loadSeats" | "releaseLapsed">,
    private readonly metrics: InventoryMetrics,
    private readonly clock: Clock,
    private readonly options: SeatMapOptions,
  ) {}

  /** The event's seat map, at most `localTtlMs` older than the shared cache. */
  snapshot(event: EventInfo): Promise<Snapshot> {
    const held = this.local.get(event.eventId);
    if (held && this.clock() - held.readAt < this.options.localTtlMs) return Promise.resolve(held);
    // One cache read per event at a time, however many requests are waiting for it.
    let pending = this.inflight.get(event.eventId);
    if (!pending) {
      // Shared by every request waiting for it, so it runs on no single caller's deadline.
      pending = detached(() => this.fetch(event)).finally(() => this.inflight.delete(event.eventId));
      this.inflight.set(event.eventId, pending);
    }
    return pending;
  }

  /** Records seats a successful write changed, locally and in the shared cache. */
  async written(eventId: string, seats: Seat[]): Promise<void> {
    if (seats.length === 0) return;
    const mine = this.local.get(eventId);
    if (mine) for (const seat of seats) mergeSeat(mine.seats, seat.seatId, seat);
    try {
      await this.cache.apply(eventId, seats);
    } catch {
      this.metrics.cacheError();
    }
  }

  /** Reads the store and replaces the shared map (used at miss, periodically, and by tests). */
  async rebuild(event: EventInfo): Promise<Snapshot> {
    const started = this.clock();
    const seats = await this.tidy(event, await this.store.loadSeats(event), started);
    const map = new Map<string, CachedSeat>();
    for (const seat of seats) map.set(seat.seatId, seat);
    try {
      await this.cache.rebuild(event.eventId, seats, started);
    } catch {
      this.metrics.cacheError();
    }
    this.metrics.cacheRebuilt(event.eventId, (this.clock() - started) / 1000);
    return this.keep(event.eventId, map);
  }

  /**
   * Holds nobody released (a create whose compensation failed or whose reservation died before
   * storing it, a lost timer) are already sellable — expiry is part of every write condition —
   * but they would stay HELD in the store. The periodic rebuild reads every seat anyway, so it
   * frees those past their hold plus a grace period.
   */
  private async tidy(event: EventInfo, seats: Seat[], now: number): Promise<Seat[]> {
    const cutoff = now - (this.options.lapsedGraceMs ?? 5_000);
    const lapsed = seats.filter((s) => s.status === "HELD" && (s.holdExpiresAt ?? now) < cutoff);
    if (lapsed.length === 0) return seats;
    const ids = lapsed.map((s) => s.seatId);
    const freed = await this.store.releaseLapsed(event, ids, cutoff, now).catch(() => []);
    if (freed.length === 0) return seats;
    const byId = new Map(freed.map((seat) => [seat.seatId, seat]));
    return seats.map((seat) => byId.get(seat.seatId) ?? seat);
  }

  private async fetch(event: EventInfo): Promise<Snapshot> {
    let cached: Awaited<ReturnType<SeatMapCache["read"]>>;
    try {
      cached = await this.cache.read(event.eventId);
    } catch {
      // Without the cache, read the store; the single flight and the micro-cache bound the rate.
      this.metrics.cacheError();
      return this.rebuild(event);
    }
    if (!cached) return this.rebuildOnce(event);
    if (this.clock() - cached.builtAt > this.options.rebuildEveryMs) void this.refreshInBackground(event);
    return this.keep(event.eventId, cached.seats);
  }

  /** At a miss one instance rebuilds; the others wait briefly for its result. */
  private async rebuildOnce(event: EventInfo): Promise<Snapshot> {
    if (await this.cache.tryLease(event.eventId, LEASE_MS).catch(() => true)) return this.rebuild(event);
    const deadline = this.clock() + WAIT_FOR_REBUILD_MS;
    while (this.clock() < deadline) {
      await Bun.sleep(50);
      const cached = await this.cache.read(event.eventId).catch(() => undefined);
      if (cached) return this.keep(event.eventId, cached.seats);
    }
    return this.rebuild(event);
  }

  private async refreshInBackground(event: EventInfo): Promise<void> {
    try {
      if (await this.cache.tryLease(event.eventId, LEASE_MS)) await this.rebuild(event);
    } catch {
      this.metrics.cacheError();
    }
  }

  private keep(eventId: string, seats: Map<string, CachedSeat>): Snapshot {
    const snapshot = { seats, readAt: this.clock() };
    this.local.set(eventId, snapshot);
    return snapshot;
  }
}

/** Keeps the newer of two states of a seat (by write time). */
export function mergeSeat(map: Map<string, CachedSeat>, seatId: string, seat: CachedSeat): void {
  const current = map.get(seatId);
  if (!current || current.updatedAt <= seat.updatedAt) {
    map.set(seatId, { status: seat.status, holdExpiresAt: seat.holdExpiresAt, updatedAt: seat.updatedAt });
  }
}

/** A seat's status in a snapshot at `now`; seats the map lacks read as AVAILABLE. */
export function statusIn(snapshot: Snapshot, seatId: string, now: number): SeatStatus {
  const seat = snapshot.seats.get(seatId);
  return seat ? effectiveStatus(seat, now) : "AVAILABLE";
}

/** Seats per state in each section at `now`. */
export function countSections(event: EventInfo, snapshot: Snapshot, now: number): SectionCount[] {
  return event.sections.map((section) => {
    const count = { sectionId: section.sectionId, total: 0, available: 0, held: 0, sold: 0 };
    for (const id of sectionSeatIds(section)) {
      count.total++;
      const status = statusIn(snapshot, id, now);
      if (status === "AVAILABLE") count.available++;
      else if (status === "HELD") count.held++;
      else count.sold++;
    }
    return count;
  });
}
