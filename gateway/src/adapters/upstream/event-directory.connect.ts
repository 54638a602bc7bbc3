import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Client } from "@connectrpc/connect";
import type { inventory } from "@tt/contracts";
import { AppError } from "@tt/kit";
import type { SaleWindow } from "../../domain/queue/sale.ts";

/** Whether an event exists, asked on the join path, and its sale window, which drives its line. */
export interface EventDirectory {
  /**
   * `beforeLookup` runs only when the answer is not known already, before anything is asked of
   * inventory: the caller's rate limit (a refusal throws, and nothing is asked or remembered).
   */
  exists(eventId: string, beforeLookup?: () => Promise<void>): Promise<boolean>;
  /**
   * The event's sale window as last read, without waiting (undefined while not known: the line
   * then follows only its operator's settings). A reading past its time is still given, and a
   * fresh one is fetched in the background, so neither a join nor an admission tick waits on it.
   */
  saleWindow?(eventId: string): SaleWindow | undefined;
}

/** What inventory said of an event: false, no such event; true, it exists (window not known); or its window. */
export type EventLookup = (eventId: string) => Promise<SaleWindow | boolean>;

/** A known event: trusted until `until`, with its sale window when the lookup gave one. */
interface Known {
  until: number;
  window: SaleWindow | undefined;
}

/** A map that forgets its oldest entry past `max` (a Map iterates in insertion order). */
class Bounded<V> {
  readonly #m = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    return this.#m.get(key);
  }
  set(key: string, value: V): void {
    this.#m.delete(key);
    if (this.#m.size >= this.max) {
      const oldest = this.#m.keys().next();
      if (!oldest.done) this.#m.delete(oldest.value);
    }
    this.#m.set(key, value);
  }
  delete(key: string): void {
    this.#m.delete(key);
  }
  get size(): number {
    return this.#m.size;
  }
}

/**
 * Caches inventory's answer per event so the hot join path does not make a Connect call per
 * request: a known event is trusted for `positiveMs`, an unknown one refused for `negativeMs`.
 * Unknown ids are remembered apart from known ones and in fewer entries: a flood of made-up ids
 * only ever pushes out other made-up ids, never a real event a drop is joining.
 */
export class CachedEventDirectory implements EventDirectory {
  private readonly known: Bounded<Known>;
  private readonly unknown: Bounded<number>;
  private readonly pending = new Map<string, Promise<SaleWindow | boolean>>();

  constructor(
    private readonly lookup: EventLookup,
    private readonly ttl = { positiveMs: 30_000, negativeMs: 5_000 },
    private readonly now: () => number = Date.now,
    limits = { known: 10_000, unknown: 1_000 },
  ) {
    this.known = new Bounded(limits.known);
    this.unknown = new Bounded(limits.unknown);
  }

  async exists(eventId: string, beforeLookup?: () => Promise<void>): Promise<boolean> {
    // A known event stays known past its time while one lookup reads it again behind the joins:
    // when every join waited on its own lookup, a crowd's thousands of joins a second each asked
    // inventory at the same moment, every 30 s, and the breaker opened on all of them.
    const known = this.known.get(eventId);
    if (known) {
      if (known.until <= this.now()) this.refresh(eventId);
      return true;
    }
    if ((this.unknown.get(eventId) ?? 0) > this.now()) return false;
    await beforeLookup?.();
    return this.remember(eventId, await this.lookupOnce(eventId));
  }

  saleWindow(eventId: string): SaleWindow | undefined {
    const known = this.known.get(eventId);
    if ((known?.until ?? 0) <= this.now()) this.refresh(eventId);
    return known?.window;
  }

  /** Reads the event again in the background, once at a time; a failed read keeps the last one. */
  private refresh(eventId: string): void {
    if (this.pending.has(eventId)) return;
    this.lookupOnce(eventId)
      .then((answer) => this.remember(eventId, answer))
      .catch(() => undefined);
  }

  /** One lookup of an event at a time: the joins that arrive meanwhile share its answer. */
  private lookupOnce(eventId: string): Promise<SaleWindow | boolean> {
    let pending = this.pending.get(eventId);
    if (!pending) {
      pending = this.lookup(eventId).finally(() => this.pending.delete(eventId));
      this.pending.set(eventId, pending);
    }
    return pending;
  }

  private remember(eventId: string, answer: SaleWindow | boolean): boolean {
    if (answer === false) {
      this.known.delete(eventId);
      this.unknown.set(eventId, this.now() + this.ttl.negativeMs);
      return false;
    }
    this.unknown.delete(eventId);
    this.known.set(eventId, {
      until: this.now() + this.ttl.positiveMs,
      window: answer === true ? undefined : answer,
    });
    return true;
  }

  /** Entries held (for tests): known and unknown events. */
  get size(): { known: number; unknown: number } {
    return { known: this.known.size, unknown: this.unknown.size };
  }
}

/**
 * Asks inventory's GetEvent for the event's sale window; a NOT_FOUND answer means no such event,
 * other failures propagate.
 */
export function inventoryEventLookup(client: Client<typeof inventory.InventoryService>): EventLookup {
  return async (eventId) => {
    try {
      const { event } = await client.getEvent({ eventId });
      if (!event?.saleOpensAt || !event.saleClosesAt) return true;
      return { opensAt: timestampMs(event.saleOpensAt), closesAt: timestampMs(event.saleClosesAt) };
    } catch (error) {
      // The kit client rejects with the catalogue error (kit/src/connect/client.ts).
      const code = error instanceof AppError ? error.code : undefined;
      if (code === "EVENT_NOT_FOUND" || code === "NOT_FOUND") return false;
      throw error;
    }
  };
}
