import { isRetryable } from "@tt/kit";
import type Redis from "ioredis";
import type { SaleWindow } from "../../domain/queue/sale.ts";
import { queueKeys } from "../queue/keys.ts";
import type { EventLookup } from "./event-directory.connect.ts";

/** How long the copy is kept after its last reading: a sale lasts hours, not days. */
const COPY_TTL_MS = 24 * 3_600_000;

/**
 * An event lookup that keeps, in the waiting room's Redis, a copy of what inventory last said of
 * each event that exists, and answers from it while inventory is away (refused, timed out,
 * overloaded). A gateway restarted during an inventory outage knows no event yet: without the
 * copy, every join of the drop answered 503 until inventory came back (a chaos drop: 241 failed
 * joins from a gateway that came back while inventory was down). The copy may be behind an
 * operator's change of the sale window; the first lookup that gets through replaces it. An
 * unknown event is never copied: while inventory is away it stays a 503, not a 404.
 */
export function withEventCopy(lookup: EventLookup, redis: Redis): EventLookup {
  return async (eventId) => {
    const key = queueKeys(eventId).event;
    try {
      const answer = await lookup(eventId);
      if (answer !== false)
        void redis.set(key, JSON.stringify(answer), "PX", COPY_TTL_MS).catch(() => undefined);
      return answer;
    } catch (error) {
      if (!isRetryable(error)) throw error;
      const copy = await redis.get(key).catch(() => null);
      if (copy === null) throw error;
      return JSON.parse(copy) as SaleWindow | true;
    }
  };
}
