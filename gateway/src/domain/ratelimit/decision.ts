/** The raw reply of a bucket script: allowed (1|0), remaining, ms until full, ms until retry. */
export type BucketReply = [number, number, number, number];

/** A route's limit: sustained rate and burst. Routes with the same name share their buckets. */
export interface RateLimitPolicy {
  name: string;
  perSec: number;
  burst: number;
}

/** Whose bucket answered. */
export type RateScope = "ip" | "user";

/** One bucket's verdict on a request, with what the X-RateLimit-* headers report. */
export interface RateDecision {
  allowed: boolean;
  scope: RateScope;
  /** The bucket's capacity (the burst). */
  limit: number;
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSec: number;
  /** Seconds until the request would be allowed; 0 when it was. */
  retryAfterSec: number;
}

/** Reads a bucket script's reply (see includes/take-token.lua). */
export function decisionFromReply(
  reply: BucketReply,
  policy: RateLimitPolicy,
  scope: RateScope,
): RateDecision {
  const [allowed, remaining, fullMs, retryMs] = reply;
  return {
    allowed: allowed === 1,
    scope,
    limit: policy.burst,
    remaining,
    resetSec: Math.ceil(fullMs / 1000),
    // Retry-After is whole seconds; rounding down to 0 would invite an instant retry.
    retryAfterSec: allowed === 1 ? 0 : Math.max(1, Math.ceil(retryMs / 1000)),
  };
}

/**
 * The verdict to report when several buckets were asked: a refusal (the one that makes the
 * client wait longest) wins, otherwise the bucket closest to empty.
 */
export function tightest(decisions: readonly RateDecision[]): RateDecision {
  const [first, ...rest] = decisions;
  if (!first) throw new Error("tightest() needs at least one decision");
  return rest.reduce((worst, d) => {
    if (d.allowed !== worst.allowed) return d.allowed ? worst : d;
    if (!d.allowed) return d.retryAfterSec > worst.retryAfterSec ? d : worst;
    return d.remaining < worst.remaining ? d : worst;
  }, first);
}

/** The X-RateLimit-* headers for a verdict (Reset in delta seconds, like Retry-After). */
export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
  return {
    "x-ratelimit-limit": String(decision.limit),
    "x-ratelimit-remaining": String(decision.remaining),
    "x-ratelimit-reset": String(decision.resetSec),
  };
}
