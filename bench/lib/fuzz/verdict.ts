/**
 * What the fuzzer holds every answer to (docs/spec.md, "Errors"): never a 5xx, and every REST
 * failure in the standard body with a catalogue code whose status it carries; every Connect
 * failure a Connect error body with a known code.
 */
import { ERROR_CATALOGUE, isErrorCode } from "@tt/kit";

/** A broken promise, or undefined when the answer keeps every one. */
export type Verdict = string | undefined;

const CONNECT_CODES = new Set([
  "canceled",
  "unknown",
  "invalid_argument",
  "deadline_exceeded",
  "not_found",
  "already_exists",
  "permission_denied",
  "resource_exhausted",
  "failed_precondition",
  "aborted",
  "out_of_range",
  "unimplemented",
  "internal",
  "unavailable",
  "data_loss",
  "unauthenticated",
]);

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Judges a REST answer. */
export function restVerdict(status: number, contentType: string | null, text: string): Verdict {
  if (status >= 500) return `${status}: ${text.slice(0, 300)}`;
  if (status < 400) return undefined;
  if (!contentType?.includes("application/json")) return `${status} without a JSON body (${contentType})`;
  const error = (parse(text) as { error?: Record<string, unknown> } | undefined)?.error;
  if (!error) return `${status} without the standard error body: ${text.slice(0, 200)}`;
  if (!isErrorCode(error.code)) return `${status} with a code outside the catalogue: ${String(error.code)}`;
  if (ERROR_CATALOGUE[error.code].status !== status) return `${status} carrying ${error.code}`;
  if (typeof error.message !== "string" || typeof error.trace_id !== "string") {
    return `${status} ${error.code} without a message or trace_id`;
  }
  return undefined;
}

/** Judges a Connect answer. */
export function connectVerdict(status: number, contentType: string | null, text: string): Verdict {
  if (status >= 500) return `${status}: ${text.slice(0, 300)}`;
  if (status === 200) return undefined;
  if (status === 415) return undefined; // a content type Connect does not speak: no body is promised
  if (!contentType?.includes("application/json"))
    return `${status} without a Connect error body (${contentType})`;
  const body = parse(text) as { code?: unknown; message?: unknown } | undefined;
  if (!body || typeof body.code !== "string" || !CONNECT_CODES.has(body.code)) {
    return `${status} without a Connect error body: ${text.slice(0, 200)}`;
  }
  if (body.code === "internal" || body.code === "unknown")
    return `${status} ${body.code}: ${String(body.message)}`;
  return undefined;
}
