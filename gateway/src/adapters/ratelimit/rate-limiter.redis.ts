import type Redis from "ioredis";
import type { Clock } from "../../domain/clock.ts";
import {
  decisionFromReply,
  type RateDecision,
  type RateLimitPolicy,
  tightest,
} from "../../domain/ratelimit/decision.ts";
import { rateLimitKeys } from "./keys.ts";
import { type RateLimitCommands, withRateLimitScripts } from "./scripts.ts";

/** Who is asking: always an IP, and a user when signed in. */
export interface RateSubject {
  ip: string;
  userId?: string | undefined;
}

/** Token buckets in Redis, one per IP and one per user for each policy. */
export class RedisRateLimiter {
  readonly #redis: Redis & RateLimitCommands;

  constructor(
    redis: Redis,
    private readonly clock: Clock,
  ) {
    this.#redis = withRateLimitScripts(redis);
  }

  /**
   * Takes a token from the IP's bucket and, when signed in, the user's. The two keys live on
   * different shards, so they are two script calls; auto-pipelining sends them in one write,
   * which keeps it to one round trip of latency.
   */
  async take(subject: RateSubject, policy: RateLimitPolicy, cost = 1): Promise<RateDecision> {
    const now = this.clock();
    const { perSec, burst, name } = policy;
    const asks = [
      this.#redis
        .ttRateLimit(rateLimitKeys.ip(subject.ip, name), perSec, burst, now, cost)
        .then((reply) => decisionFromReply(reply, policy, "ip")),
    ];
    if (subject.userId !== undefined) {
      asks.push(
        this.#redis
          .ttRateLimit(rateLimitKeys.user(subject.userId, name), perSec, burst, now, cost)
          .then((reply) => decisionFromReply(reply, policy, "user")),
      );
    }
    return tightest(await Promise.all(asks));
  }
}
