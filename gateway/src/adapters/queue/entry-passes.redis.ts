import { type Logger, readReservationToken } from "@tt/kit";
import type Redis from "ioredis";
import { currentPassKey } from "./keys.ts";

/**
 * One live reservation token per buyer per event. Each enter makes its new token the buyer's
 * current one (enter-5.lua writes its id under the event's hash tag, living as long as the
 * token); the hold route asks here whether the token it was given is still current.
 *
 * Kept in the gateway's Redis, not durably: the gateway is the only one that knows when a token
 * is issued, so only it can say one was replaced before the new one is used, and that costs one
 * GET on the hold path. What must never be lost is durable elsewhere — each token's single use
 * and the buyer's limits live in the reservation's own DynamoDB transaction — so when Redis has
 * no answer (lost its data, or cannot be reached) a token is taken as current, as it was before
 * this rule existed.
 */
export class EntryPasses {
  constructor(
    private readonly redis: Pick<Redis, "get">,
    private readonly secret: string,
    private readonly log: Pick<Logger, "warn">,
  ) {}

  /**
   * True when a newer enter replaced this genuine token of the buyer for the event. A token that
   * is not genuine, or not theirs, is left to reservation to refuse with its full reason.
   */
  async superseded(eventId: string, userId: string, token: string): Promise<boolean> {
    const grant = readReservationToken(token, this.secret);
    if (!grant || grant.userId !== userId || grant.eventId !== eventId) return false;
    try {
      const current = await this.redis.get(currentPassKey(eventId, userId));
      return current !== null && current !== grant.jti;
    } catch (err) {
      this.log.warn("current reservation token unknown (Redis); taking this one as current", {
        event_id: eventId,
        err,
      });
      return false;
    }
  }
}
