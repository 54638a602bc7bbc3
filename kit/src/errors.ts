import { Code } from "@connectrpc/connect";

/** One row of the error catalogue: the HTTP status and Connect code a domain code travels as. */
export interface CatalogueEntry {
  readonly status: number;
  readonly connect: Code;
  /**
   * The refusal is about the moment — load, a dependency down or slow, a concurrent request still
   * running or colliding — not about the request or the state it found, so the same request (same
   * idempotency key) may succeed after a pause. Read through `isRetryable` by every retry decision
   * that is about a code (docs/spec.md, "Errors", column "retried").
   */
  readonly retryable: boolean;
}

/**
 * The one error catalogue (docs/spec.md, "Errors"). Every service throws these codes; only the
 * transports translate them (REST → status + standard body, Connect → code + ErrorDetail).
 *
 * `retryable` by one rule: true for load and dependency failures (RATE_LIMITED, OVERLOADED,
 * UPSTREAM_*), for a request overtaken by or colliding with another (IDEMPOTENCY_IN_PROGRESS,
 * INVENTORY_CONFLICT), and for INTERNAL — nothing blames the request, and a momentary fault no
 * adapter named surfaces there too; false for the request's own faults (400, 401, 403, 413, 415),
 * for state a pause does not change (404, 409, 410, 412, 428), and for limits the caller lifts
 * only by acting (RESERVATION_LIMIT, SEAT_LIMIT, QUEUE_CLIENT_LIMIT: end one of its own places or
 * holds). Retryable never means "retry at once or forever": tries stay bounded, within the
 * caller's budget, after `Retry-After` when there is one.
 */
export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 400, connect: Code.InvalidArgument, retryable: false },
  IDEMPOTENCY_REQUIRED: { status: 400, connect: Code.InvalidArgument, retryable: false },
  INVALID_IDEMPOTENCY_KEY: { status: 400, connect: Code.InvalidArgument, retryable: false },
  UNAUTHENTICATED: { status: 401, connect: Code.Unauthenticated, retryable: false },
  FORBIDDEN: { status: 403, connect: Code.PermissionDenied, retryable: false },
  NOT_READY: { status: 403, connect: Code.PermissionDenied, retryable: false },
  RESERVATION_TOKEN_INVALID: { status: 403, connect: Code.PermissionDenied, retryable: false },
  // A join challenge (docs/spec.md, "Bot protection") that is forged, expired, for another event,
  // already spent or not solved.
  CHALLENGE_FAILED: { status: 403, connect: Code.PermissionDenied, retryable: false },
  NOT_FOUND: { status: 404, connect: Code.NotFound, retryable: false },
  RESERVATION_NOT_FOUND: { status: 404, connect: Code.NotFound, retryable: false },
  EVENT_NOT_FOUND: { status: 404, connect: Code.NotFound, retryable: false },
  IDEMPOTENCY_CONFLICT: { status: 409, connect: Code.AlreadyExists, retryable: false },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, connect: Code.Aborted, retryable: true },
  SEAT_UNAVAILABLE: { status: 409, connect: Code.FailedPrecondition, retryable: false },
  SOLD_OUT: { status: 409, connect: Code.FailedPrecondition, retryable: false },
  SALE_CLOSED: { status: 409, connect: Code.FailedPrecondition, retryable: false },
  INVENTORY_CONFLICT: { status: 409, connect: Code.Aborted, retryable: true },
  RESERVATION_EXPIRED: { status: 409, connect: Code.FailedPrecondition, retryable: false },
  RESERVATION_ALREADY_CONFIRMED: { status: 409, connect: Code.FailedPrecondition, retryable: false },
  INVALID_STATE: { status: 409, connect: Code.FailedPrecondition, retryable: false },
  // The buyer's own purchases stand in the way (docs/spec.md, "Purchase policy"): 409, not 429 —
  // waiting does not help, ending or paying for a hold does.
  RESERVATION_LIMIT: { status: 409, connect: Code.FailedPrecondition, retryable: false },
  SEAT_LIMIT: { status: 409, connect: Code.FailedPrecondition, retryable: false },
  // The waiting room lost the place (its Redis lost its data): the token will never work again,
  // so not 404 (never existed) nor 409 (retry after a change): 410, join again.
  QUEUE_PLACE_LOST: { status: 410, connect: Code.NotFound, retryable: false },
  PAYMENT_NOT_APPROVED: { status: 412, connect: Code.FailedPrecondition, retryable: false },
  // The event asks joiners for a solved challenge first (428: the request lacks a precondition).
  CHALLENGE_REQUIRED: { status: 428, connect: Code.FailedPrecondition, retryable: false },
  PAYLOAD_TOO_LARGE: { status: 413, connect: Code.InvalidArgument, retryable: false },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, connect: Code.InvalidArgument, retryable: false },
  RATE_LIMITED: { status: 429, connect: Code.ResourceExhausted, retryable: true },
  // Too many anonymous places in one event's line from one client address; one frees when it ends.
  QUEUE_CLIENT_LIMIT: { status: 429, connect: Code.ResourceExhausted, retryable: false },
  INTERNAL: { status: 500, connect: Code.Internal, retryable: true },
  UPSTREAM_UNAVAILABLE: { status: 503, connect: Code.Unavailable, retryable: true },
  // A dependency's line of waiting calls is full (bulkhead.ts). ResourceExhausted, not Unavailable:
  // a busy upstream is healthy, and must not trip its callers' breakers.
  OVERLOADED: { status: 503, connect: Code.ResourceExhausted, retryable: true },
  UPSTREAM_TIMEOUT: { status: 504, connect: Code.DeadlineExceeded, retryable: true },
} as const satisfies Record<string, CatalogueEntry>;

/** A domain error code from the catalogue. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** True when `code` names an entry of the catalogue. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(ERROR_CATALOGUE, code);
}

/**
 * Whether the catalogue calls a refusal retryable: a code, or anything carrying one as `code` (an
 * AppError, an error body's `error`, the web app's ApiError, a drop client's reply). A code
 * outside the catalogue — a client's own NETWORK_UNREACHABLE, a ConnectError's numeric code
 * (translate it with `fromConnectError` first) — is not the catalogue's to judge: false, and a
 * failure with no answer at all (a refused connection, a throttled AWS call) is decided by the
 * transport that saw it.
 */
export function isRetryable(codeOrError: unknown): boolean {
  const code = codeIn(codeOrError);
  return isErrorCode(code) && ERROR_CATALOGUE[code].retryable;
}

/** The code of a refusal: the value itself, or its `code` when it carries one. */
function codeIn(codeOrError: unknown): unknown {
  return typeof codeOrError === "object" && codeOrError !== null && "code" in codeOrError
    ? codeOrError.code
    : codeOrError;
}

/**
 * Whether a failure says a dependency is away rather than slow: `UPSTREAM_UNAVAILABLE` (a call
 * refused, the caller's breaker open, or the callee's own dependency away). Asking again soon
 * costs the dependency nothing until it is back — the breaker answers in its place — unlike a
 * timeout or an overload, where every repeat adds to what is already struggling. Background work
 * that must get through (a worker's message, a compensation) keeps trying on this one only.
 */
export function isUpstreamDown(error: unknown): boolean {
  return typeof error === "object" && codeIn(error) === "UPSTREAM_UNAVAILABLE";
}

/** Options an AppError may carry besides its code and message. */
export interface AppErrorOptions {
  cause?: unknown;
  /** Facts a client may act on, e.g. `{ field: "seat_ids" }`; sent to callers. */
  metadata?: Record<string, string>;
  /** Seconds the caller should wait before retrying (429/503); becomes `Retry-After`. */
  retryAfterSec?: number;
}

/** The error every service throws for an expected failure; transports translate it. */
export class AppError extends Error {
  override readonly name: string = "AppError";
  readonly code: ErrorCode;
  readonly metadata: Record<string, string>;
  readonly retryAfterSec: number | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.metadata = options.metadata ?? {};
    this.retryAfterSec = options.retryAfterSec;
  }

  /** HTTP status of this error's code. */
  get status(): number {
    return ERROR_CATALOGUE[this.code].status;
  }
}

/** The Connect code a peer used when it sent no ErrorDetail; picks the closest catalogue code. */
export function codeForConnectCode(code: Code): ErrorCode {
  switch (code) {
    case Code.InvalidArgument:
    case Code.OutOfRange:
      return "VALIDATION_FAILED";
    case Code.Unauthenticated:
      return "UNAUTHENTICATED";
    case Code.PermissionDenied:
      return "FORBIDDEN";
    case Code.NotFound:
      return "NOT_FOUND";
    case Code.AlreadyExists:
    case Code.Aborted:
    case Code.FailedPrecondition:
      return "INVALID_STATE";
    case Code.ResourceExhausted:
      return "RATE_LIMITED";
    case Code.Unavailable:
      return "UPSTREAM_UNAVAILABLE";
    case Code.DeadlineExceeded:
      return "UPSTREAM_TIMEOUT";
    default:
      return "INTERNAL";
  }
}
