/**
 * The one key builder of the rate limiter. Each bucket's subject is its hash tag, so buckets
 * spread over an ElastiCache cluster's shards and a future multi-key script for one subject
 * stays on one shard (docs/architecture.md, "Redis keys and hash tags").
 */
export const rateLimitKeys = {
  /** A client IP's bucket under one policy. */
  ip: (ip: string, policy: string) => `tt:rl:{ip:${ip}}:${policy}`,
  /** A signed-in user's bucket under one policy. */
  user: (userId: string, policy: string) => `tt:rl:{u:${userId}}:${policy}`,
  /**
   * A bucket inside another key family's hash tag, e.g. the waiting room's `tt:q:{evt_1}`, so a
   * multi-key queue script can take a token in its own round trip (the limit is then per event).
   */
  scoped: (prefix: string, subject: string, policy: string) => `${prefix}:rl:${subject}:${policy}`,
};
