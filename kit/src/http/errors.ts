import { Elysia } from "elysia";
import { AppError, ERROR_CATALOGUE, type ErrorCode } from "../errors.ts";
import type { Logger } from "../log.ts";
import { currentTraceId } from "../telemetry.ts";

/** The standard error body of SPEC.md section 3. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; trace_id: string; details?: Record<string, string> };
}

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

/**
 * The REST error responder: every failure leaves as `{"error":{code,message,trace_id}}` with
 * the catalogue status, bodies over the limit are refused before they are read, and an
 * unexpected error is logged (with its stack) but never leaks details to the client.
 */
export function errorResponder(log: Logger, bodyLimitBytes: number) {
  return (
    new Elysia({ name: "kit.errors" })
      .onRequest(({ request }) => {
        const length = Number(request.headers.get("content-length") ?? 0);
        if (length > bodyLimitBytes) {
          return errorResponse(
            new AppError("PAYLOAD_TOO_LARGE", `Request body is over the ${bodyLimitBytes}-byte limit`),
          );
        }
      })
      // JSON bodies are read here rather than by Elysia so that a chunked body without a
      // Content-Length is held to the same limit, and malformed JSON is a 400, never a 500.
      .onParse({ as: "global" }, async ({ request, contentType }) => {
        if (!contentType?.startsWith("application/json")) return;
        const bytes = await request.arrayBuffer();
        if (bytes.byteLength > bodyLimitBytes) {
          throw new AppError("PAYLOAD_TOO_LARGE", `Request body is over the ${bodyLimitBytes}-byte limit`);
        }
        try {
          return JSON.parse(new TextDecoder().decode(bytes));
        } catch {
          throw new AppError("VALIDATION_FAILED", "body: is not valid JSON", { metadata: { field: "body" } });
        }
      })
      .onError({ as: "global" }, ({ code, error, request }) => {
        const appError = toAppError(error, code);
        if (appError.code === "INTERNAL") {
          log.error("unhandled error", { method: request.method, url: request.url, err: error });
        }
        return errorResponse(appError);
      })
  );
}
