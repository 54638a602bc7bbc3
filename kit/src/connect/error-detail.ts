import { create } from "@bufbuild/protobuf";
import { ConnectError } from "@connectrpc/connect";
import { common } from "@tt/contracts";
import { AppError, codeForConnectCode, ERROR_CATALOGUE, type ErrorCode, isErrorCode } from "../errors.ts";

/** A domain error as a ConnectError with the catalogue code attached as an ErrorDetail. */
export function toConnectError(error: AppError): ConnectError {
  const detail = create(common.ErrorDetailSchema, {
    code: error.code,
    message: error.message,
    metadata: error.metadata,
    retryAfterSec: error.retryAfterSec === undefined ? 0 : Math.ceil(error.retryAfterSec),
  });
  return new ConnectError(error.message, ERROR_CATALOGUE[error.code].connect, undefined, [
    { desc: common.ErrorDetailSchema, value: detail },
  ]);
}

/**
 * Reads the domain code a peer attached to a Connect error, so callers map errors without
 * parsing message text; errors without a detail (transport failures) map by Connect code.
 */
export function fromConnectError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const ce = ConnectError.from(error);
  const [detail] = ce.findDetails(common.ErrorDetailSchema);
  if (detail && isErrorCode(detail.code)) {
    return new AppError(detail.code, detail.message || ce.rawMessage, {
      cause: ce,
      metadata: detail.metadata,
      ...(detail.retryAfterSec > 0 ? { retryAfterSec: detail.retryAfterSec } : {}),
    });
  }
  const code = codeForConnectCode(ce.code);
  return new AppError(code, PLAIN[code] ?? ce.rawMessage, { cause: ce });
}

/**
 * Without a peer's detail the raw message is the transport's or the serializer's ("fetch failed:
 * connect ECONNREFUSED 10.0.3.7:8011", "serialize binary: … invalid int64"): it stays with the
 * cause, for the log, and the caller gets a plain sentence instead.
 */
const PLAIN: Partial<Record<ErrorCode, string>> = {
  UPSTREAM_UNAVAILABLE: "A service this request needs is unavailable; try again shortly",
  UPSTREAM_TIMEOUT: "A service this request needs did not answer in time; try again shortly",
  INTERNAL: "Something went wrong on our side",
};
