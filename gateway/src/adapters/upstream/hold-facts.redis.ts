/**
 * What the gateway learnt when a hold was made — whose it is, its total and currency — kept in
 * Redis for the hold's life, so `POST /payments/intent` checks the owner and the amount without
 * asking reservation (a Connect call and a DynamoDB read per payment, measured in the drop).
 * Those facts never change for a reservation; on a miss (evicted, another deployment) the route
 * asks reservation as before.
 */
import type Redis from "ioredis";

/** A hold's unchanging facts. */
export interface HoldFacts {
  userId: string;
  /** Its event (the sale funnel counts the payment under it). */
  eventId: string;
  totalAmount: bigint;
  currency: string;
}

// v2 added the event id: a value of the first format is never misread, only missed (asked again).
const key = (reservationId: string) => `tt:hold:v2:${reservationId}`;

/** Hold facts in Redis. */
export class HoldFactsCache {
  constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
  ) {}

  /** Remembers a new hold's facts (best effort: a failure only costs the later lookup). */
  async remember(reservationId: string, facts: HoldFacts): Promise<void> {
    const value = `${facts.totalAmount}|${facts.currency}|${facts.eventId}|${facts.userId}`;
    await this.redis.set(key(reservationId), value, "PX", this.ttlMs).catch(() => undefined);
  }

  /** The facts of a hold made through this platform recently, if still known. */
  async recall(reservationId: string): Promise<HoldFacts | undefined> {
    const value = await this.redis.get(key(reservationId)).catch(() => null);
    if (!value) return undefined;
    // The user id goes last: ids such as Auth0's `auth0|123` hold the separator.
    const [total = "", currency = "", eventId = "", ...user] = value.split("|");
    return { totalAmount: BigInt(total), currency, eventId, userId: user.join("|") };
  }
}
