/**
 * Bounded concurrency with a bounded waiting line, for the calls a service makes to one
 * dependency (each AWS client, each Connect upstream). Under overload the excess is refused at
 * once — OVERLOADED, 503 with Retry-After — instead of queueing without limit: an unbounded line
 * turns a burst into seconds of latency and memory for answers nobody waits for any more.
 *
 * - A call waits at most `maxWaitMs` for a slot once the line is standing (not emptied for
 *   500 ms: overload rather than a burst, which is let drain), then it is refused as if the line
 *   were full; it is never started once its caller's deadline has passed (deadline.ts).
 * - `adaptive`: the number of calls let through follows the dependency's latency (additive
 *   increase while answers come back within `targetMs`, multiplicative decrease when they do
 *   not or the dependency says it is overloaded), between `minInFlight` and `maxInFlight`. At
 *   the edge this keeps the calls in flight near what the back end serves without queueing, so
 *   what is served stays fast while the excess is shed (bench/overload.ts).
 */
import { checkDeadline } from "./connect/deadline.ts";
import { fromConnectError } from "./connect/error-detail.ts";
import { AppError } from "./errors.ts";

export interface BulkheadOptions {
  /** Calls running at once (the ceiling, when adaptive). */
  maxInFlight: number;
  /** Calls waiting for a slot; one more is refused. */
  maxQueued: number;
  /** Longest wait for a slot before the call is refused (default: no limit but the caller's deadline). */
  maxWaitMs?: number;
  adaptive?: { minInFlight: number; targetMs: number };
  /** Told of each refusal (a metric). */
  onReject?: () => void;
}

/** Runs `fn` within the bulkhead of dependency `name`. */
export type Bulkhead = <T>(fn: () => Promise<T>) => Promise<T>;

interface Waiter {
  start: () => void;
  refuse: () => void;
  timer?: ReturnType<typeof setTimeout>;
}

// Answers that say the dependency is saturated (as opposed to a domain refusal).
const BUSY = new Set(["OVERLOADED", "UPSTREAM_TIMEOUT", "UPSTREAM_UNAVAILABLE"]);

// A line that has not emptied for this long is standing: overload, not a burst (the idea of
// CoDel's interval).
const STANDING_MS = 500;

// Decrease at most once per this long: one slow period must not collapse the limit to its floor.
const DECREASE_EVERY_MS = 100;

export function bulkhead(name: string, opts: BulkheadOptions): Bulkhead {
  let limit = opts.maxInFlight;
  let inFlight = 0;
  let lastDecrease = 0;
  const line: Waiter[] = [];
  // Since when the line has had someone in it: a burst drains, a standing line is overload.
  let waitingSince = 0;
  const standing = () => line.length > 0 && Date.now() - waitingSince >= STANDING_MS;

  const overloaded = () => {
    opts.onReject?.();
    return new AppError("OVERLOADED", `${name} is busy; retry shortly`, { retryAfterSec: 1 });
  };
  const adapt = (ms: number, failedBusy: boolean) => {
    const a = opts.adaptive;
    if (!a) return;
    const now = Date.now();
    if (failedBusy || ms > a.targetMs) {
      if (now - lastDecrease < DECREASE_EVERY_MS) return;
      lastDecrease = now;
      limit = Math.max(a.minInFlight, limit * 0.9);
    } else {
      limit = Math.min(opts.maxInFlight, limit + 1 / limit);
    }
  };
  const startNext = () => {
    while (inFlight < Math.floor(limit) && line.length > 0) {
      const next = line.shift() as Waiter;
      clearTimeout(next.timer);
      inFlight += 1;
      next.start();
    }
    if (line.length === 0) waitingSince = 0;
  };
  // A waiter past maxWaitMs is refused only while the line stands; in a burst it keeps waiting
  // (bounded by its caller's deadline), so a crowd clicking at once gets answers, not 503s.
  const expire = (waiter: Waiter, maxWaitMs: number) => {
    waiter.timer = setTimeout(() => {
      if (!standing()) return expire(waiter, maxWaitMs);
      const at = line.indexOf(waiter);
      if (at < 0) return;
      line.splice(at, 1);
      if (line.length === 0) waitingSince = 0;
      waiter.refuse();
    }, maxWaitMs);
  };
  const slot = (): Promise<void> | undefined => {
    if (inFlight < Math.floor(limit) && line.length === 0) {
      inFlight += 1;
      return undefined;
    }
    if (line.length >= opts.maxQueued) throw overloaded();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { start: resolve, refuse: () => reject(overloaded()) };
      if (opts.maxWaitMs !== undefined) expire(waiter, opts.maxWaitMs);
      if (line.length === 0) waitingSince = Date.now();
      line.push(waiter);
    });
  };

  return async (fn) => {
    await slot();
    const started = performance.now();
    let busy = false;
    try {
      // After the await above this runs in its own caller's context (deadline, origin, trace),
      // even when the slot was freed by another call.
      checkDeadline(`the ${name} call`);
      return await fn();
    } catch (error) {
      busy = BUSY.has(fromConnectError(error).code);
      throw error;
    } finally {
      inFlight -= 1;
      adapt(performance.now() - started, busy);
      startNext();
    }
  };
}
