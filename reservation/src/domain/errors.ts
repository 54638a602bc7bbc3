/**
 * The reservation domain's refusals: catalogue errors (every transport answers them as it answers
 * any AppError), limited to the codes below — what the spec lets reservation answer with.
 */
import { AppError, type AppErrorOptions } from "@tt/kit";

export type ReservationErrorCode =
  | "VALIDATION_FAILED"
  | "IDEMPOTENCY_REQUIRED"
  | "INVALID_IDEMPOTENCY_KEY"
  | "IDEMPOTENCY_CONFLICT"
  | "IDEMPOTENCY_IN_PROGRESS"
  | "RESERVATION_TOKEN_INVALID"
  | "RESERVATION_NOT_FOUND"
  | "NOT_FOUND"
  | "RESERVATION_EXPIRED"
  | "RESERVATION_ALREADY_CONFIRMED"
  | "INVALID_STATE"
  | "PAYMENT_NOT_APPROVED"
  | "RESERVATION_LIMIT"
  | "SEAT_LIMIT"
  | "UPSTREAM_TIMEOUT"
  | "INTERNAL";

export class ReservationError extends AppError {
  override readonly name = "ReservationError";
  declare readonly code: ReservationErrorCode;
  constructor(code: ReservationErrorCode, message: string, options?: AppErrorOptions) {
    super(code, message, options);
  }
}
