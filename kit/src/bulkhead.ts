/**
 * Bounded concurrency with a bounded waiting line, for the calls a service makes to one
 * dependency (each AWS client, each Connect upstream). Under overload the excess is refused at
 * once — OVERLOADED, 503 with Retry-After — instead of queueing without limit: an unbounded line
 * turns a burst into seconds of latency and memory for answers nobody waits for any more.
 *
 * - A call is never started once its caller's deadline has passed (deadline.ts).
 * - `adaptive`: the number of calls let through follows the dependency's latency (additive
 *   increase while answers come back within `targetMs`, multiplicative decrease when they do
 *   not or the dependency says it is overloaded), between `minInFlight` and `maxInFlight`, and the
 *   line may hold `queuePerSlot` waiting calls per call let through. A healthy dependency keeps a
 *   long line for a burst (a crowd clicking in the same second is answered, not refused); a slow
 *   one keeps a short one, so what is served stays fast while the excess is shed at once
 *   (bench/overload.ts).
 */
import { checkDeadline } from "./connect/deadline.ts";
import { fromConnectError } from "./connect/error-detail.ts";
import { AppError } from "./errors.ts";

export interface BulkheadOptions {
  /** Calls running at once (the ceiling, when adaptive). */
  maxInFlight: number;
  /** Calls waiting for a slot; one more is refused. */
  maxQueued: number;
  adaptive?: { minInFlight: number; targetMs: number; queuePerSlot?: number };
  /** Told of each refusal (a metric). */
  onReject?: () => void;
}

/** Runs `fn` within the bulkhead of dependency `name`. */
export type Bulkhead = <T>(fn: () => Promise<T>) => Promise<T>;

// Answers that say the dependency is saturated (as opposed to a domain refusal).
const BUSY = new Set(["OVERLOADED", "UPSTREAM_TIMEOUT", "UPSTREAM_UNAVAILABLE"]);

// Decrease at most once per this long: one slow period must not collapse the limit to its floor.
const DECREASE_EVERY_MS = 100;

export function bulkhead(name: string, opts: BulkheadOptions): Bulkhead {
  let limit = opts.maxInFlight;
  let inFlight = 0;
  let lastDecrease = 0;
  const line: Array<() => void> = [];
  const room = () =>
    opts.adaptive
      ? Math.min(opts.maxQueued, Math.ceil(limit * (opts.adaptive.queuePerSlot ?? 2)))
      : opts.maxQueued;

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
      inFlight += 1;
      (line.shift() as () => void)();
    }
  };
  const slot = (): Promise<void> | undefined => {
    if (inFlight < Math.floor(limit) && line.length === 0) {
      inFlight += 1;
      return undefined;
    }
    if (line.length >= room()) throw overloaded();
    return new Promise<void>((resolve) => line.push(resolve));
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
