/**
 * Deadlines that travel with the work. A Connect server runs each handler inside the budget its
 * caller sent (`connect-timeout-ms` / `grpc-timeout`); every kit client called from inside it
 * gives the next hop what is left of that budget (less a small margin so the answer can travel
 * back), never its own longer default, and aborts when the caller does. Code that must finish
 * whatever the caller does (compensation, bookkeeping) runs `detached`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { AppError } from "../errors.ts";

/** The deadline of the work in hand: epoch ms, and the caller's abort signal when known. */
export interface Budget {
  at: number;
  signal?: AbortSignal | undefined;
}

const current = new AsyncLocalStorage<Budget>();

/** What the next hop is given less than what is left: time for the answer to come back. */
export const DEADLINE_MARGIN_MS = 10;

/** Runs `fn` within a budget (nested budgets only ever shrink it). */
export function withDeadline<T>(budget: Budget, fn: () => T): T {
  const outer = current.getStore();
  const at = outer ? Math.min(outer.at, budget.at) : budget.at;
  const signal =
    budget.signal && outer?.signal
      ? AbortSignal.any([budget.signal, outer.signal])
      : (budget.signal ?? outer?.signal);
  return current.run({ at, signal }, fn);
}

/** Runs `fn` outside any caller's budget: work that must finish even when the caller gave up. */
export function detached<T>(fn: () => T): T {
  return current.exit(fn);
}

/** The budget of the work in hand, if a caller set one. */
export function currentBudget(): Budget | undefined {
  return current.getStore();
}

/** Milliseconds left for the work in hand (undefined: no caller deadline). */
export function remainingMs(now = Date.now()): number | undefined {
  const budget = current.getStore();
  return budget ? budget.at - now : undefined;
}

/** Throws UPSTREAM_TIMEOUT when the caller has given up: starting new work for it is waste. */
export function checkDeadline(what: string): void {
  const budget = current.getStore();
  if (!budget) return;
  if (budget.signal?.aborted || budget.at <= Date.now()) {
    throw new AppError("UPSTREAM_TIMEOUT", `The caller's deadline passed before ${what}`);
  }
}

/**
 * The budget a request header announces: Connect's `connect-timeout-ms` (milliseconds) or gRPC's
 * `grpc-timeout` (`<digits><unit>`, unit one of H M S m u n). Undefined when neither is present.
 */
export function timeoutFromHeaders(headers: Headers): number | undefined {
  const connect = headers.get("connect-timeout-ms");
  if (connect !== null && /^\d{1,10}$/.test(connect)) return Number(connect);
  const grpc = headers.get("grpc-timeout")?.match(/^(\d{1,8})([HMSmun])$/);
  if (!grpc) return undefined;
  const perUnit = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 } as const;
  return Number(grpc[1]) * perUnit[grpc[2] as keyof typeof perUnit];
}
