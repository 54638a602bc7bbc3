import type { Client } from "@connectrpc/connect";
import type { inventory } from "@tt/contracts";
import { fromConnectError } from "@tt/kit";

/** Whether an event exists, asked on the join path. */
export interface EventDirectory {
  exists(eventId: string): Promise<boolean>;
}

/**
 * Caches inventory's answer per event so the hot join path does not make a Connect call per
 * request: a known event is trusted for `positiveMs`, an unknown one refused for `negativeMs`.
 */
export class CachedEventDirectory implements EventDirectory {
  private readonly cache = new Map<string, { exists: boolean; until: number }>();

  constructor(
    private readonly lookup: (eventId: string) => Promise<boolean>,
    private readonly ttl = { positiveMs: 30_000, negativeMs: 5_000 },
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  async exists(eventId: string): Promise<boolean> {
    const hit = this.cache.get(eventId);
    if (hit && hit.until > this.now()) return hit.exists;
    const exists = await this.lookup(eventId);
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(eventId, {
      exists,
      until: this.now() + (exists ? this.ttl.positiveMs : this.ttl.negativeMs),
    });
    return exists;
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
