import { AppError, type Logger } from "@tt/kit";
import { Elysia, ElysiaCustomStatusResponse, StatusMap } from "elysia";
import type { Identify } from "../auth/auth-plugin.ts";
import { requestFingerprint } from "./fingerprint.ts";
import type { Claim, IdempotencyStore, StoredResponse } from "./store.ts";

/** How an Idempotency-Key lookup ended, as counted by `idempotency_hits_total{outcome}`. */
export type IdempotencyOutcome = "replay" | "conflict" | "in_progress";

/** What the idempotency guard needs. */
export interface IdempotencyPluginOptions {
  store: IdempotencyStore;
  identify: Identify;
  hits: { inc(labels: { outcome: IdempotencyOutcome }): void };
  log: Logger;
}

const IDEMPOTENCY_KEY_PARAMETER = {
  name: "Idempotency-Key",
  in: "header" as const,
  required: true,
  description: "A fresh UUID per intended action; retries reuse it (replayed for 5 minutes)",
  schema: { type: "string" as const, format: "uuid" },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Outcomes that say the request did not really happen (or may go better next time) are not
 * stored, so a retry with the same key runs again: auth failures, timeouts, rate limits, 5xx.
 * Everything else, including domain refusals such as SEAT_UNAVAILABLE, is replayed.
 */
export function isReplayable(status: number): boolean {
  return status < 500 && status !== 401 && status !== 408 && status !== 429;
}

/**
 * Route option `idempotent: true`: the Idempotency-Key header is required (a UUID); the first
 * request with a key runs and its response is stored; the same request again replays it with
 * `X-Idempotency-Replayed: true`; a different request with that key is 409 IDEMPOTENCY_CONFLICT;
 * while the first still runs, 409 IDEMPOTENCY_IN_PROGRESS. Never a second execution.
 */
export function idempotencyPlugin(options: IdempotencyPluginOptions) {
  const claims = new WeakMap<Request, Claim>();

  const begin = async (request: Request, body: unknown): Promise<Response | undefined> => {
    const key = request.headers.get("idempotency-key");
    if (key === null || key.trim() === "") {
      throw new AppError("IDEMPOTENCY_REQUIRED", "This route needs an Idempotency-Key header (a UUID)");
    }
    if (!UUID.test(key.trim()))
      throw new AppError("INVALID_IDEMPOTENCY_KEY", "Idempotency-Key must be a UUID");
    const user = await options.identify(request);
    const url = new URL(request.url);
    const fingerprint = requestFingerprint({
      method: request.method,
      path: url.pathname + url.search,
      userId: user?.id,
      body,
    });
    const scope = user ? `u:${user.id}` : "anon";
    const result = await options.store.begin(scope, key.trim().toLowerCase(), fingerprint);
    if (result.kind === "claimed") {
      claims.set(request, result.claim);
      return undefined;
    }
    options.hits.inc({ outcome: result.kind });
    if (result.kind === "conflict") {
      throw new AppError("IDEMPOTENCY_CONFLICT", "This Idempotency-Key was used for a different request");
    }
    if (result.kind === "in_progress") {
      throw new AppError(
        "IDEMPOTENCY_IN_PROGRESS",
        "The first request with this Idempotency-Key is still running",
        {
          retryAfterSec: 1,
        },
      );
    }
    return replay(result.response);
  };

  const settle = async (claim: Claim, response: Response): Promise<void> => {
    try {
      if (!isReplayable(response.status)) return await options.store.release(claim);
      const stored: StoredResponse = {
        status: response.status,
        body: await response.clone().text(),
        contentType: response.headers.get("content-type") ?? "",
      };
      if (!(await options.store.finish(claim, stored))) {
        options.log.warn(
          "idempotency claim expired before the request finished; raise IDEMPOTENCY_LOCK_TTL_SEC",
        );
      }
    } catch (error) {
      // The answer still goes out; the claim expires with its lock TTL.
      options.log.warn("could not store the idempotent response", { err: error });
    }
  };

  return new Elysia({ name: "gateway.idempotency" }).macro({
    idempotent: (enabled: boolean) => ({
      // Shown in Swagger UI, so the header can be filled in when trying a route.
      detail: { parameters: enabled ? [IDEMPOTENCY_KEY_PARAMETER] : [] },
      async beforeHandle({ request, body }) {
        if (enabled) return begin(request, body);
      },
      // mapResponse sees the final answer on every path, the error responder's included, and
      // before it is sent: the stored response is in place by the time the client can retry.
      async mapResponse({ request, responseValue, set }) {
        const claim = claims.get(request);
        if (!claim) return;
        claims.delete(request);
        const response = asResponse(responseValue, set.status);
        await settle(claim, response);
        return response;
      },
    }),
  });
}

function replay(stored: StoredResponse): Response {
  const headers: Record<string, string> = { "x-idempotency-replayed": "true" };
  if (stored.contentType) headers["content-type"] = stored.contentType;
  return new Response(stored.body || null, { status: stored.status, headers });
}

/** The Response Elysia would send for a handler's value (the shapes our routes return). */
function asResponse(value: unknown, setStatus: number | keyof typeof StatusMap | undefined): Response {
  if (value instanceof Response) return value;
  let status = typeof setStatus === "string" ? StatusMap[setStatus] : (setStatus ?? 200);
  let payload = value;
  if (value instanceof ElysiaCustomStatusResponse) {
    status = value.code as number;
    payload = value.response;
  }
  if (payload === undefined || payload === null) return new Response(null, { status });
  if (typeof payload === "string") {
    return new Response(payload, { status, headers: { "content-type": "text/plain;charset=utf-8" } });
  }
  return Response.json(payload, { status });
}
