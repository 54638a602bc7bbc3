import { type Logger, type PurchaseOutcome, purchaseChannel, retryingAgain } from "@tt/kit";
import type Redis from "ioredis";
import type { Buyers, Told } from "../domain/ports.ts";

// A tell nobody heard is published again 0.5, 1, 2 and 4 s after the first: the buyer's socket
// may be reconnecting (a gateway replica died), or the gateway's subscription coming back with
// Redis. A buyer who closed the tab costs four more publishes.
const RETELL_BACKOFF = { baseMs: 500, maxMs: 2_000, jitter: 0 };
const RETELLS = 4;

/**
 * Tells buyers on the Redis channel of their reservation, where the gateway holding the buyer's
 * socket listens (gateway/src/adapters/queue/purchase-watch.redis.ts). Pub/sub keeps nothing, so
 * a publish that reached no subscriber (or failed) is tried again in the background for a few
 * seconds; the event itself is acknowledged at once, since the outcome is already stored and
 * the buyer's page reads it when no push comes.
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
    const publish = () => this.publish(outcome.reservationId, JSON.stringify(message));
    if (await publish()) return;
    const again = async () => {
      if (!(await publish())) throw new Error("nobody heard the outcome");
    };
    void retryingAgain(again, { retries: RETELLS - 1, backoff: RETELL_BACKOFF, retryable: () => true }).catch(
      () => undefined,
    );
  }

  /** Whether some gateway heard it (a failure is logged, and counts as nobody). */
  private async publish(reservationId: string, message: string): Promise<boolean> {
    try {
      return (await this.redis.publish(purchaseChannel(reservationId), message)) > 0;
    } catch (err) {
      this.log.warn("could not tell the buyer", { reservation_id: reservationId, err });
      return false;
    }
  }
}
