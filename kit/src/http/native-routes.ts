import { connectRefusal, isConnectPath } from "../connect/refusals.ts";
import type { Logger } from "../log.ts";
import type { Metrics } from "../metrics.ts";
import { answerError, refuseDeclaredOversize, toAppError } from "./errors.ts";
import { type FetchHandler, observed, type RequestGate } from "./observe.ts";

/** Routes Bun's router answers itself, before Elysia: exact path → method → handler. */
export type NativeRoutes = Record<string, { GET?: FetchHandler; POST?: FetchHandler }>;

/** What every native route gets from the kit. */
export interface NativeRouteDeps {
  metrics: Metrics;
  log: Logger;
  bodyLimitBytes: number;
  gate?: RequestGate;
}

/**
 * Makes a handler fit to be one of Bun's own routes (Connect procedures, a signed webhook that
 * must read its raw body): none of Elysia's hooks runs for it, and no hook of its runs for REST
 * requests. It still gets what every request gets from the kit: a server span, the HTTP metrics
 * under its path, the body limit, and the standard error body for anything it throws (a Connect
 * error body on a procedure's path, which is what its callers read).
 */
export function nativeRoute(path: string, handle: FetchHandler, deps: NativeRouteDeps): FetchHandler {
  const { metrics, log, bodyLimitBytes } = deps;
  const answer = isConnectPath(path)
    ? (error: unknown, request: Request) => {
        const appError = toAppError(error, "UNKNOWN");
        if (appError.code === "INTERNAL") log.error("unhandled error", { url: request.url, err: error });
        return connectRefusal(appError);
      }
    : (error: unknown, request: Request) => answerError(log, error, "UNKNOWN", request);
  const guarded: FetchHandler = (request) => {
    const fail = (error: unknown) => answer(error, request);
    try {
      refuseDeclaredOversize(request, bodyLimitBytes);
      const result = handle(request);
      return result instanceof Promise ? result.catch(fail) : result;
    } catch (error) {
      return fail(error);
    }
  };
  const routeOf = () => path;
  return (request) => observed(metrics, request, guarded, routeOf, deps.gate);
}
