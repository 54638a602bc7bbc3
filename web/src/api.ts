import { isEdgeChallenge, type Send } from "./waf.ts";

/** The gateway's standard error body: `{"error":{"code","message","trace_id"}}`. */
export interface ErrorBody {
  error: { code: string; message: string; trace_id?: string; details?: Record<string, string> };
}

/** Code used when the gateway could not be reached at all (no HTTP answer). */
export const NETWORK_UNREACHABLE = "NETWORK_UNREACHABLE";
/** Code used when the gateway answered 2xx with a body that is not JSON. */
export const BAD_RESPONSE = "BAD_RESPONSE";
/** Code used when the edge (AWS WAF) still challenged the call after the page answered once. */
export const EDGE_CHALLENGE = "EDGE_CHALLENGE";

let send: Send = (input, init) => fetch(input, init);

/** Sends every API call through `next` from now on (main.tsx: the AWS WAF integration). */
export function setApiTransport(next: Send): void {
  send = next;
}

/** A failed API call, carrying the catalogue code so the UI never has to parse message text. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  /** Catalogue code (UPPER_SNAKE), or one of the client-side codes above. */
  readonly code: string;
  /** HTTP status, or 0 when no HTTP answer arrived. */
  readonly status: number;
  /** The gateway's trace id, worth showing so a buyer can quote it to support. */
  readonly traceId: string | undefined;
  /** Seconds from `Retry-After`, when the gateway sent one. */
  readonly retryAfterSec: number | undefined;
  /** The body's `details`: facts a client acts on (e.g. the fresh challenge of a 428). */
  readonly details: Readonly<Record<string, string>>;

  constructor(
    init: {
      code: string;
      message: string;
      status: number;
      traceId?: string;
      retryAfterSec?: number;
      details?: Record<string, string>;
    },
    options?: { cause?: unknown },
  ) {
    super(init.message, options);
    this.code = init.code;
    this.status = init.status;
    this.traceId = init.traceId;
    this.retryAfterSec = init.retryAfterSec;
    this.details = init.details ?? {};
  }
}

/** Options for {@link apiFetch}: a normal RequestInit plus an origin for non-browser callers. */
export interface ApiFetchOptions extends Omit<RequestInit, "body"> {
  /** Origin to prefix to `path`; empty in the browser, where the dev server proxies `/api`. */
  baseUrl?: string;
  /** JSON-serialisable request body. */
  json?: unknown;
  /** Give up after this many milliseconds (default 10 s) so a hung gateway never hangs the page. */
  timeoutMs?: number;
}

/** Type guard for the standard error body; anything else is treated as an unstructured failure. */
export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const error = (value as { error: unknown }).error;
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { code?: unknown }).code === "string" &&
    typeof (error as { message?: unknown }).message === "string"
  );
}

/** Best guess at a catalogue code when a response lacks the standard body (e.g. a proxy error page). */
function codeForStatus(status: number): string {
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 403) return "FORBIDDEN";
  if (status === 404) return "NOT_FOUND";
  if (status === 429) return "RATE_LIMITED";
  if (status === 504) return "UPSTREAM_TIMEOUT";
  // The dev proxy answers 500/502 with no body when the gateway is down: to a buyer that is "unavailable".
  if (status >= 500) return "UPSTREAM_UNAVAILABLE";
  return "UNKNOWN";
}

function parseRetryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/**
 * Calls the gateway and returns the parsed JSON body; every failure (network, timeout,
 * non-2xx, unparseable body) is thrown as an {@link ApiError}.
 */
export async function apiFetch<T>(path: string, options: ApiFetchOptions = {}): Promise<T> {
  const { baseUrl = "", json, timeoutMs = 10_000, headers, signal, ...init } = options;
  const requestHeaders = new Headers(headers);
  requestHeaders.set("Accept", "application/json");
  if (json !== undefined) requestHeaders.set("Content-Type", "application/json");
  const timeout = AbortSignal.timeout(timeoutMs);

  let response: Response;
  try {
    response = await send(`${baseUrl}${path}`, {
      ...init,
      headers: requestHeaders,
      body: json === undefined ? null : JSON.stringify(json),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (cause) {
    // A caller's own abort is not a failure to report; let it propagate untouched.
    if (signal?.aborted) throw cause;
    const timedOut = timeout.aborted;
    throw new ApiError(
      {
        code: timedOut ? "UPSTREAM_TIMEOUT" : NETWORK_UNREACHABLE,
        message: timedOut ? `No answer within ${timeoutMs} ms` : "The gateway could not be reached",
        status: 0,
      },
      { cause },
    );
  }

  if (isEdgeChallenge(response)) {
    throw new ApiError({
      code: EDGE_CHALLENGE,
      message: "The edge asked for a browser check the page could not pass",
      status: response.status,
    });
  }

  const text = await response.text();
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch (cause) {
    if (response.ok) {
      throw new ApiError(
        { code: BAD_RESPONSE, message: "Response was not JSON", status: response.status },
        { cause },
      );
    }
  }

  if (response.ok) return body as T;

  const retryAfterSec = parseRetryAfter(response.headers.get("Retry-After"));
  if (isErrorBody(body)) {
    const { code, message, trace_id, details } = body.error;
    throw new ApiError({ code, message, status: response.status, traceId: trace_id, retryAfterSec, details });
  }
  throw new ApiError({
    code: codeForStatus(response.status),
    message: `HTTP ${response.status} ${response.statusText}`.trim(),
    status: response.status,
    retryAfterSec,
  });
}
