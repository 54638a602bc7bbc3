/**
 * Bounded concurrency with a bounded waiting line, for the calls a service makes to one
 * dependency (each AWS client, each Connect upstream). Under overload the excess is refused at
 * once — OVERLOADED, 503 with Retry-After — instead of queueing without limit: an unbounded line
 * turns a burst into minutes of latency and memory for answers nobody waits for any more.
 * A call that waited past its caller's deadline is not started either (deadline.ts).
 * The line itself is cockatiel's bulkhead.
 */
import { AsyncResource } from "node:async_hooks";
import { BulkheadPolicy, BulkheadRejectedError } from "cockatiel";
import { checkDeadline } from "./connect/deadline.ts";
import { AppError } from "./errors.ts";

export interface BulkheadOptions {
  /** Calls running at once. */
  maxInFlight: number;
  /** Calls waiting for a slot; one more is refused. */
  maxQueued: number;
  /** Told of each refusal (a metric). */
  onReject?: () => void;
}

/** Runs `fn` within the bulkhead of dependency `name`. */
export type Bulkhead = <T>(fn: () => Promise<T>) => Promise<T>;

export function bulkhead(name: string, opts: BulkheadOptions): Bulkhead {
  const policy = new BulkheadPolicy(opts.maxInFlight, opts.maxQueued);
  return async (fn) => {
    // A queued call is started by whichever call frees its slot: bind it to its own caller's
    // context (deadline, origin, trace), not that one's.
    const run = AsyncResource.bind(() => {
      checkDeadline(`the ${name} call`);
      return fn();
    });
    try {
      return await policy.execute(run);
    } catch (error) {
      if (!(error instanceof BulkheadRejectedError)) throw error;
      opts.onReject?.();
      throw new AppError("OVERLOADED", `${name} is busy; retry shortly`, { retryAfterSec: 1 });
    }
  };
}
