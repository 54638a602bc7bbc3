/** Settings of {@link backoffDelay}. */
export interface BackoffOptions {
  /** Delay ceiling of the first retry. */
  baseMs: number;
  /** No retry waits longer than this. */
  maxMs: number;
}

/** The socket's defaults: first retry within 0.5-1 s, never more than 15 s apart. */
export const SOCKET_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 15_000 };

/**
 * How long to wait before retry number `attempt` (0-based): exponential growth capped at
 * `maxMs`, with "equal jitter" (half fixed, half random). The jitter matters: when a gateway
 * restarts it closes every socket at once, and without it all waiters would reconnect in the
 * same millisecond; the fixed half keeps a flapping network from being retried in a hot loop.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random) {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
