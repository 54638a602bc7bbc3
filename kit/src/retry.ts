/**
 * The one retry policy of the platform: how long to wait before the next try (`backoffDelay`) and
 * whether to make it at all (`retrying`). Every place that tries again uses it — the Connect
 * client, the AWS client, the pollers, the worker's redelivery delay, payment's webhook jobs, the
 * launcher's restarts and the web app's reconnects — each with its own numbers. Why it is not a
 * library's (cockatiel's) retry: docs/architecture.md, "Retries and the breaker".
 *
 * Whether a refusal is worth another try is the error catalogue's (`isRetryable`, re-exported
 * here with `isErrorCode`); what a transport sees with no answer at all, or with a code the
 * catalogue does not know, stays the transport's to judge.
 *
 * Browser-safe (no Bun or Node APIs; the catalogue brings only Connect's `Code` enum): the web
 * app imports it as `@tt/kit/retry`.
 */

export { isErrorCode, isRetryable } from "./errors.ts";

/** How the pause before each retry grows: doubling from `baseMs`, capped at `maxMs`. */
export interface Backoff {
  /** Ceiling of the pause before the first retry (attempt 0). */
  baseMs: number;
  /** No pause is longer than this. */
  maxMs: number;
  /**
   * Share of each pause that is random: 0 a fixed pause, 0.5 "equal jitter" (at least half the
   * ceiling), 1 "full jitter" (anywhere from 0). Callers that fail together — every socket of a
   * restarted gateway, every replica behind one dead upstream — spread out instead of retrying in
   * the same millisecond.
   */
  jitter: number;
}

/**
 * The pause before retry number `attempt` (0-based). `Infinity` means as far as the backoff goes:
 * the cap, whatever `baseMs` is.
 */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const ceiling =
    attempt === Number.POSITIVE_INFINITY
      ? backoff.maxMs
      : Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt));
  return ceiling * (1 - backoff.jitter) + random() * ceiling * backoff.jitter;
}

/** When a failed try is made again. */
export interface RetryPolicy {
  /** Tries after the first. */
  retries: number;
  backoff: Backoff;
  /**
   * Whether this failure may go away by itself, so a retry can help: `isRetryable` for a catalogue
   * code, the transport's own judgement for a failure with no answer (a refused connection, a throttle).
   */
  retryable(error: unknown): boolean;
  /** What is left of the caller's budget, in ms (undefined: no deadline). */
  leftMs?: () => number | undefined;
  /** A retry is made only if at least this much of the budget is left once its pause is over. */
  minTryMs?: number;
  /** Once aborted, no retry is made: the caller has gone. */
  signal?: AbortSignal | undefined;
}

/**
 * Runs `attempt` (given its 0-based number and the budget left for it) until it succeeds or the
 * policy says stop: the failure is not retryable, the retries are spent, the caller is gone, or
 * the pause would leave the next try less than `minTryMs` of the caller's deadline — a try that
 * cannot finish in time only adds load. The last failure is thrown as it was.
 */
export async function retrying<T>(
  attempt: (n: number, leftMs: number | undefined) => Promise<T>,
  policy: RetryPolicy,
): Promise<T> {
  let left = policy.leftMs?.();
  for (let n = 0; ; n++) {
    try {
      return await attempt(n, left);
    } catch (error) {
      if (n >= policy.retries || policy.signal?.aborted || !policy.retryable(error)) throw error;
      const pause = backoffDelay(n, policy.backoff);
      const now = policy.leftMs?.();
      if (now !== undefined && now - pause <= (policy.minTryMs ?? 0)) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
      left = policy.leftMs?.();
    }
  }
}

/**
 * `retrying` for a first try the caller has already made and seen fail: waits the pause before
 * retry 0, then tries under `policy`. For work that goes on in the background once the caller
 * has its answer (a compensating release, a re-sent push).
 */
export async function retryingAgain<T>(
  attempt: (n: number, leftMs: number | undefined) => Promise<T>,
  policy: RetryPolicy,
): Promise<T> {
  await new Promise((resolve) => setTimeout(resolve, backoffDelay(0, policy.backoff)));
  return retrying(attempt, policy);
}
