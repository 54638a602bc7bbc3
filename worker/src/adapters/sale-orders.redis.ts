import { SALE_FIGURES_TTL_MS, type SaleTally, saleOrdersKey } from "@tt/kit";
import type Redis from "ioredis";
import type { SaleOrders } from "../domain/ports.ts";

/**
 * Counts each confirmed order once in the event's Redis set of orders (kit/src/sale-tally.ts):
 * the set's size is what the operator console shows, and an order the set did not have yet is
 * also counted into `sale_funnel_total{step="confirmed"}` — one decision for both figures. The
 * set lives as long as the event's other figures; a failed write throws, so the message is
 * delivered again and counted then.
 */
export class RedisSaleOrders implements SaleOrders {
  constructor(
    private readonly redis: Redis,
    private readonly tally: Pick<SaleTally, "count">,
    private readonly ttlMs = SALE_FIGURES_TTL_MS,
  ) {}

  async count(eventId: string, reservationId: string): Promise<boolean> {
    const key = saleOrdersKey(eventId);
    const results =
      (await this.redis.pipeline().sadd(key, reservationId).pexpire(key, this.ttlMs).exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
    const added = results[0]?.[1] === 1;
    if (added) this.tally.count(eventId, "confirmed");
    return added;
  }
}
