import { type Logger, type PurchaseOutcome, purchaseChannel } from "@tt/kit";
import type Redis from "ioredis";
import type { Buyers, Told } from "../domain/ports.ts";

/**
 * Tells buyers on the Redis channel of their reservation, where the gateway holding the buyer's
 * socket listens (gateway/src/adapters/queue/purchase-watch.redis.ts). A failure is logged, never retried: the
 * outcome itself is already stored, and the buyer can read it.
 */
export class RedisBuyers implements Buyers {
  constructor(
    private readonly redis: Redis,
    private readonly log: Logger,
  ) {}

  async tell(outcome: Told): Promise<void> {
    const message: PurchaseOutcome = {
      reservation_id: outcome.reservationId,
      status: outcome.status,
      ...(outcome.orderId ? { order_id: outcome.orderId } : {}),
      ...(outcome.paymentIntentId ? { payment_intent_id: outcome.paymentIntentId } : {}),
    };
    await this.redis
      .publish(purchaseChannel(outcome.reservationId), JSON.stringify(message))
      .catch((err) =>
        this.log.warn("could not tell the buyer", { reservation_id: outcome.reservationId, err }),
      );
  }
}
