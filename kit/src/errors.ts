import { Code } from "@connectrpc/connect";

/** One row of the error catalogue: the HTTP status and Connect code a domain code travels as. */
export interface CatalogueEntry {
  readonly status: number;
  readonly connect: Code;
}

/**
 * The one error catalogue (docs/spec.md, "Errors"). Every service throws these codes; only the
 * transports translate them (REST → status + standard body, Connect → code + ErrorDetail).
 */
export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 400, connect: Code.InvalidArgument },
  IDEMPOTENCY_REQUIRED: { status: 400, connect: Code.InvalidArgument },
  INVALID_IDEMPOTENCY_KEY: { status: 400, connect: Code.InvalidArgument },
  UNAUTHENTICATED: { status: 401, connect: Code.Unauthenticated },
  FORBIDDEN: { status: 403, connect: Code.PermissionDenied },
  NOT_READY: { status: 403, connect: Code.PermissionDenied },
  RESERVATION_TOKEN_INVALID: { status: 403, connect: Code.PermissionDenied },
  // A join challenge (docs/spec.md, "Bot protection") that is forged, expired, for another event,
  // already spent or not solved.
  CHALLENGE_FAILED: { status: 403, connect: Code.PermissionDenied },
  NOT_FOUND: { status: 404, connect: Code.NotFound },
  RESERVATION_NOT_FOUND: { status: 404, connect: Code.NotFound },
  EVENT_NOT_FOUND: { status: 404, connect: Code.NotFound },
  IDEMPOTENCY_CONFLICT: { status: 409, connect: Code.AlreadyExists },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, connect: Code.Aborted },
  SEAT_UNAVAILABLE: { status: 409, connect: Code.FailedPrecondition },
  SOLD_OUT: { status: 409, connect: Code.FailedPrecondition },
  SALE_CLOSED: { status: 409, connect: Code.FailedPrecondition },
  INVENTORY_CONFLICT: { status: 409, connect: Code.Aborted },
  RESERVATION_EXPIRED: { status: 409, connect: Code.FailedPrecondition },
  RESERVATION_ALREADY_CONFIRMED: { status: 409, connect: Code.FailedPrecondition },
  INVALID_STATE: { status: 409, connect: Code.FailedPrecondition },
  // The buyer's own purchases stand in the way (docs/spec.md, "Purchase policy"): 409, not 429 —
  // waiting does not help, ending or paying for a hold does.
  RESERVATION_LIMIT: { status: 409, connect: Code.FailedPrecondition },
  SEAT_LIMIT: { status: 409, connect: Code.FailedPrecondition },
  // The waiting room lost the place (its Redis lost its data): the token will never work again,
  // so not 404 (never existed) nor 409 (retry after a change): 410, join again.
  QUEUE_PLACE_LOST: { status: 410, connect: Code.NotFound },
  PAYMENT_NOT_APPROVED: { status: 412, connect: Code.FailedPrecondition },
  // The event asks joiners for a solved challenge first (428: the request lacks a precondition).
  CHALLENGE_REQUIRED: { status: 428, connect: Code.FailedPrecondition },
  PAYLOAD_TOO_LARGE: { status: 413, connect: Code.InvalidArgument },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, connect: Code.InvalidArgument },
  RATE_LIMITED: { status: 429, connect: Code.ResourceExhausted },
  // Too many anonymous places in one event's line from one client address; one frees when it ends.
  QUEUE_CLIENT_LIMIT: { status: 429, connect: Code.ResourceExhausted },
  INTERNAL: { status: 500, connect: Code.Internal },
  UPSTREAM_UNAVAILABLE: { status: 503, connect: Code.Unavailable },
  // A dependency's line of waiting calls is full (bulkhead.ts). ResourceExhausted, not Unavailable:
  // a busy upstream is healthy, and must not trip its callers' breakers.
  OVERLOADED: { status: 503, connect: Code.ResourceExhausted },
  UPSTREAM_TIMEOUT: { status: 504, connect: Code.DeadlineExceeded },
} as const satisfies Record<string, CatalogueEntry>;

/** A domain error code from the catalogue. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** True when `code` names an entry of the catalogue. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(ERROR_CATALOGUE, code);
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
