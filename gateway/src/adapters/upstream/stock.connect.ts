import type { Client } from "@connectrpc/connect";
import type { inventory } from "@tt/contracts";
import type { Stock } from "../../domain/queue/sale.ts";

/** Reads an event's seat counts. Throws catalogue errors (EVENT_NOT_FOUND, UPSTREAM_*). */
export type StockReader = (eventId: string) => Promise<Stock>;

/**
 * Inventory's per-section counts (GetInventoryStatus without the seat map), summed: answered
 * from inventory's bounded-stale seat map, so a read costs it no store access.
 */
export function inventoryStock(client: Client<typeof inventory.InventoryService>): StockReader {
  return async (eventId) => {
    const { sections } = await client.getInventoryStatus({ eventId, includeSeats: false });
    const stock: Stock = { available: 0, held: 0, sold: 0 };
    for (const s of sections) {
      stock.available += s.available;
      stock.held += s.held;
      stock.sold += s.sold;
    }
    return stock;
  };
}
