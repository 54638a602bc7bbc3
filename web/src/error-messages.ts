import { ApiError, BAD_RESPONSE, EDGE_CHALLENGE, NETWORK_UNREACHABLE } from "./api.ts";

/** Shown whenever the platform cannot be reached or is down; also the fallback for unknown codes. */
export const SERVICE_UNAVAILABLE_MESSAGE =
  "The ticketing service is not available right now. Please try again in a moment.";

// Sentences a buyer can act on. The gateway's own `message` is written for developers, so it
// is never shown directly; unknown codes fall back to a generic sentence instead.
const MESSAGES: Record<string, string> = {
  VALIDATION_FAILED: "Something in your request doesn't look right. Please check it and try again.",
  IDEMPOTENCY_REQUIRED: "Something went wrong sending your request. Please try again.",
  INVALID_IDEMPOTENCY_KEY: "Something went wrong sending your request. Please try again.",
  UNAUTHENTICATED: "Please sign in to continue.",
  FORBIDDEN: "You don't have access to this yet.",
  NOT_READY: "It's not your turn yet. Please stay in the queue; we'll let you in shortly.",
  RESERVATION_TOKEN_INVALID: "Your entry pass has expired. Please rejoin the queue.",
  QUEUE_PLACE_LOST: "Sorry, we lost your place in the queue on our side. Please join the queue again.",
  NOT_FOUND: "We couldn't find what you were looking for.",
  EVENT_NOT_FOUND: "We couldn't find that event. It may have been removed.",
  RESERVATION_NOT_FOUND: "We couldn't find that reservation.",
  IDEMPOTENCY_CONFLICT: "This request clashes with one you already sent. Please refresh and try again.",
  IDEMPOTENCY_IN_PROGRESS: "We're still working on your previous request. Please wait a moment.",
  SOLD_OUT: "Sorry, this event is sold out: every seat has been sold, so the queue is closed.",
  SALE_CLOSED: "Sorry, the sale for this event has ended, so the queue is closed.",
  SEAT_UNAVAILABLE: "Sorry, one of those seats was just taken. Please pick different seats.",
  INVENTORY_CONFLICT: "Sorry, one of those seats was just taken. Please pick different seats.",
  RESERVATION_EXPIRED: "Your seat hold has expired and the seats were released. Please choose seats again.",
  RESERVATION_ALREADY_CONFIRMED: "This reservation is already confirmed. Check your order for details.",
  INVALID_STATE: "This reservation can't be changed any more. Please refresh to see its current status.",
  RESERVATION_LIMIT:
    "You already have seats on hold for this event. Pay for them or cancel that hold before choosing more.",
  SEAT_LIMIT:
    "That would take you over the number of tickets one person may buy for this event. Try fewer seats.",
  PAYMENT_NOT_APPROVED: "Your payment hasn't been approved yet. Please wait a moment or try another payment.",
  PAYLOAD_TOO_LARGE: "That request was too large to send. Please try again with less.",
  RATE_LIMITED: "Lots of people are trying at once. Please wait a few seconds and try again.",
  QUEUE_CLIENT_LIMIT:
    "Too many places in this queue are already held from your connection. Sign in, or use a place you already have.",
  CHALLENGE_REQUIRED:
    "This event checks that buyers are not bots before they join. Please try joining again.",
  CHALLENGE_FAILED: "We couldn't confirm you're not a bot. Please try joining again.",
  INTERNAL: "Something went wrong on our side. Please try again in a moment.",
  UPSTREAM_UNAVAILABLE: SERVICE_UNAVAILABLE_MESSAGE,
  OVERLOADED: "We're very busy right now and couldn't take your request. Please try again in a moment.",
  UPSTREAM_TIMEOUT: "The ticketing service is taking too long to answer. Please try again in a moment.",
  [NETWORK_UNREACHABLE]: SERVICE_UNAVAILABLE_MESSAGE,
  [BAD_RESPONSE]: "We got an unexpected answer from the ticketing service. Please try again in a moment.",
  [EDGE_CHALLENGE]: "We couldn't confirm your browser is not a bot. Please reload the page and try again.",
};

/** Fallback for codes this app does not know yet; honest without guessing at a cause. */
export const GENERIC_MESSAGE = "Something went wrong. Please try again in a moment.";

/** Maps an error catalogue code to a sentence a buyer can understand and act on. */
export function friendlyMessage(code: string): string {
  return MESSAGES[code] ?? GENERIC_MESSAGE;
}

/** Turns anything thrown by an API call into a buyer-facing sentence. */
export function describeError(error: unknown): string {
  return error instanceof ApiError ? friendlyMessage(error.code) : GENERIC_MESSAGE;
}

/**
 * When the platform said how long to wait (`Retry-After`: a rate limit, a busy service), the
 * sentence saying so; whichever refusal carried it, the wait is the platform's own answer.
 */
export function retryHint(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || error.retryAfterSec === undefined) return undefined;
  return `You can try again in ${Math.ceil(error.retryAfterSec)} s.`;
}
