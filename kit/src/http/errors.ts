import { Elysia } from "elysia";
import { AppError, ERROR_CATALOGUE, type ErrorCode } from "../errors.ts";
import type { Logger } from "../log.ts";
import { currentTraceId } from "../telemetry.ts";

/** The standard error body (docs/spec.md, "Errors"). */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; trace_id: string; details?: Record<string, string> };
}

// Requests answered OVERLOADED (load shed): the request metrics count them apart from failures,
// so self-tuning admission reads "full, retry" and "broken" as different things
// (http-metrics.ts). Marked by request, as Elysia may hand on a copy of the error's Response.
const shedRequests = new WeakSet<Request>();

/** Whether `request` was refused as overload (503 OVERLOADED), not failed. */
export const wasShed = (request: Request): boolean => shedRequests.has(request);

/** Builds the standard error response for a catalogue code. */
export function errorResponse(error: AppError): Response {
  const body: ErrorBody = { error: { code: error.code, message: error.message, trace_id: currentTraceId() } };
  if (Object.keys(error.metadata).length > 0) body.error.details = error.metadata;
  const headers = new Headers({ "content-type": "application/json" });
  if (error.retryAfterSec !== undefined) headers.set("retry-after", String(Math.ceil(error.retryAfterSec)));
  return new Response(JSON.stringify(body), { status: ERROR_CATALOGUE[error.code].status, headers });
}

interface ValidationLike {
  all?: Array<{ path?: string; summary?: string; message?: string }>;
  type?: string;
}

// Elysia reports the failing property as a JSON pointer ("/seat_ids/0"); buyers and developers
// read "body.seat_ids[0]" more easily.
function fieldName(where: string | undefined, pointer: string | undefined): string {
  const path = (pointer ?? "")
    .split("/")
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join("");
  return `${where ?? "request"}${path}`;
}

/** Translates any thrown error into the standard body: domain errors keep their code, the rest are mapped. */
export function toAppError(error: unknown, elysiaCode: string | number): AppError {
  if (error instanceof AppError) return error;
  switch (elysiaCode) {
    case "VALIDATION": {
      const v = error as ValidationLike;
      // An answer that breaks its own route's response schema is our fault, never the caller's.
      if (v.type === "response") {
        return new AppError("INTERNAL", "Something went wrong on our side", { cause: error });
      }
      const first = v.all?.[0];
      const field = fieldName(v.type, first?.path);
      const why = first?.summary ?? first?.message ?? "is invalid";
      return new AppError("VALIDATION_FAILED", `${field}: ${why}`, { metadata: { field } });
    }
    case "PARSE":
      // Elysia wraps whatever a parser throws; our own parser throws domain errors.
      if ((error as Error).cause instanceof AppError) return (error as Error).cause as AppError;
      return new AppError("VALIDATION_FAILED", "body: is not valid JSON for this route");
    case "NOT_FOUND":
      return new AppError("NOT_FOUND", "No such route");
    default:
      return new AppError("INTERNAL", "Something went wrong on our side", { cause: error });
  }
}

const isJson = (contentType: string | undefined) =>
  contentType !== undefined && /^application\/([\w.+-]+\+)?json\b/i.test(contentType);
const hasBody = (request: Request) =>
  Number(request.headers.get("content-length") ?? 0) > 0 || request.headers.has("transfer-encoding");

/** The 413 of a body over the service's limit. */
export function payloadTooLarge(bodyLimitBytes: number): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", `Request body is over the ${bodyLimitBytes}-byte limit`);
}

/** Refuses, before reading it, a body whose declared Content-Length is over the limit. */
export function refuseDeclaredOversize(request: Request, bodyLimitBytes: number): void {
  if (Number(request.headers.get("content-length") ?? 0) > bodyLimitBytes) {
    throw payloadTooLarge(bodyLimitBytes);
  }
}

/** Answers any thrown error with the standard body; unexpected ones are logged with their stack. */
export function answerError(
  log: Logger,
  error: unknown,
  elysiaCode: string | number,
  request: Request,
): Response {
  const appError = toAppError(error, elysiaCode);
  if (appError.code === "OVERLOADED") shedRequests.add(request);
  if (appError.code === "INTERNAL") {
    log.error("unhandled error", { method: request.method, url: request.url, err: error });
  }
  return errorResponse(appError);
}

/**
 * The REST error responder: every failure leaves as `{"error":{code,message,trace_id}}` with
 * the catalogue status, bodies over the limit are refused before they are read, and an
 * unexpected error is logged (with its stack) but never leaks details to the client.
 */
export function errorResponder(log: Logger, bodyLimitBytes: number) {
  return (
    new Elysia({ name: "kit.errors" })
      // Bodies are read here rather than by Elysia so that a chunked body without a
      // Content-Length is held to the same limit, and malformed JSON is a 400, never a 500. A
      // parse hook runs only for routes that read a body; the rest never read one (Bun's own cap
      // backs this up). A request hook would cost every request, body or not.
      .onParse({ as: "global" }, async ({ request, contentType }) => {
        refuseDeclaredOversize(request, bodyLimitBytes);
        if (!isJson(contentType)) {
          // Every REST route takes JSON: anything else (a form, plain text) is refused, not
          // half-understood by another parser. A request with no body at all is fine.
          if (!contentType && !hasBody(request)) return;
          throw new AppError("UNSUPPORTED_MEDIA_TYPE", "body: send JSON (Content-Type: application/json)", {
            metadata: { field: "content-type" },
          });
        }
        const text = await request.text();
        // A UTF-16 unit is at most 3 UTF-8 bytes: count bytes only when the length cannot tell.
        if (
          text.length > bodyLimitBytes ||
          (text.length * 3 > bodyLimitBytes && Buffer.byteLength(text) > bodyLimitBytes)
        ) {
          throw payloadTooLarge(bodyLimitBytes);
        }
        try {
          return JSON.parse(text);
        } catch {
          throw new AppError("VALIDATION_FAILED", "body: is not valid JSON", { metadata: { field: "body" } });
        }
      })
      .onError({ as: "global" }, ({ code, error, request }) => answerError(log, error, code, request))
  );
}
