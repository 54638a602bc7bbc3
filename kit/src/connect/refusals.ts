import { ConnectError } from "@connectrpc/connect";
import { codeToHttpStatus, errorToJson } from "@connectrpc/connect/protocol-connect";
import { AppError } from "../errors.ts";
import { toConnectError } from "./error-detail.ts";

/** A Connect procedure's path, `/package.v1.Service/Method` (REST paths never have a dot before a slash). */
export const isConnectPath = (path: string): boolean => /^\/[A-Za-z_][\w.]*\.[A-Za-z_]\w*\/\w+$/.test(path);

/**
 * A refusal made before a procedure runs (a body over the limit, a busy process), answered as
 * Connect errors are — a Connect client reads the REST body as an unknown failure.
 */
export function connectRefusal(error: AppError): Response {
  const ce = toConnectError(error);
  const headers = new Headers({ "content-type": "application/json" });
  if (error.retryAfterSec !== undefined) headers.set("retry-after", String(Math.ceil(error.retryAfterSec)));
  return new Response(JSON.stringify(errorToJson(ce, undefined)), {
    status: codeToHttpStatus(ce.code),
    headers,
  });
}

/**
 * connect-es answers a request body it cannot decode as protobuf binary with `internal` (500),
 * as if the server were at fault; the fuzzer's random bytes found it. Those bytes are the
 * caller's mistake: the answer becomes 400 VALIDATION_FAILED. Only a 500 is read again, so
 * answers that went well cost nothing.
 */
export function decodeFailuresAsInvalid(
  handle: (request: Request) => Promise<Response>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const response = await handle(request);
    if (response.status !== 500) return response;
    const text = await response.text();
    let message = "";
    try {
      message = String((JSON.parse(text) as { message?: unknown }).message ?? "");
    } catch {
      // not a Connect error body: pass it on unchanged
    }
    if (!message.startsWith("parse binary:")) {
      return new Response(text, { status: response.status, headers: response.headers });
    }
    return connectRefusal(
      new AppError("VALIDATION_FAILED", "body: is not a valid protobuf message for this procedure", {
        metadata: { field: "body" },
        cause: new ConnectError(message),
      }),
    );
  };
}
