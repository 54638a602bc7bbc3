import { type Backoff, backoffDelay as kitBackoffDelay } from "@tt/kit/retry";

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
 * How long to wait before retry number `attempt` (0-based): the platform's one backoff
 * (`@tt/kit/retry`) with "equal jitter" (half fixed, half random). The jitter matters: when a
 * gateway restarts it closes every socket at once, and without it all waiters would reconnect in
 * the same millisecond; the fixed half keeps a flapping network from being retried in a hot loop.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random) {
  const backoff: Backoff = { ...options, jitter: 0.5 };
  return Math.round(kitBackoffDelay(attempt, backoff, random));
}
