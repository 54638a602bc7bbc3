import type { Client } from "@connectrpc/connect";
import type { inventory } from "@tt/contracts";
import { fromConnectError } from "@tt/kit";

/** Whether an event exists, asked on the join path. */
export interface EventDirectory {
  /**
   * `beforeLookup` runs only when the answer is not known already, before anything is asked of
   * inventory: the caller's rate limit (a refusal throws, and nothing is asked or remembered).
   */
  exists(eventId: string, beforeLookup?: () => Promise<void>): Promise<boolean>;
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
  private readonly known: Bounded<number>;
  private readonly unknown: Bounded<number>;

  constructor(
    private readonly lookup: (eventId: string) => Promise<boolean>,
    private readonly ttl = { positiveMs: 30_000, negativeMs: 5_000 },
    private readonly now: () => number = Date.now,
    limits = { known: 10_000, unknown: 1_000 },
  ) {
    this.known = new Bounded(limits.known);
    this.unknown = new Bounded(limits.unknown);
  }

  async exists(eventId: string, beforeLookup?: () => Promise<void>): Promise<boolean> {
    const now = this.now();
    if ((this.known.get(eventId) ?? 0) > now) return true;
    if ((this.unknown.get(eventId) ?? 0) > now) return false;
    await beforeLookup?.();
    const exists = await this.lookup(eventId);
    if (exists) {
      this.unknown.delete(eventId);
      this.known.set(eventId, this.now() + this.ttl.positiveMs);
    } else {
      this.known.delete(eventId);
      this.unknown.set(eventId, this.now() + this.ttl.negativeMs);
    }
    return exists;
  }

  /** Entries held (for tests): known and unknown events. */
  get size(): { known: number; unknown: number } {
    return { known: this.known.size, unknown: this.unknown.size };
  }
}

/** Asks inventory's GetEvent; a NOT_FOUND answer means no such event, other failures propagate. */
export function inventoryEventLookup(client: Client<typeof inventory.InventoryService>) {
  return async (eventId: string): Promise<boolean> => {
    try {
      await client.getEvent({ eventId });
      return true;
    } catch (error) {
      const appError = fromConnectError(error);
      if (appError.code === "EVENT_NOT_FOUND" || appError.code === "NOT_FOUND") return false;
      throw appError;
    }
  };
}
