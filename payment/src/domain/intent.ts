/** The payment intent and the rules for creating one; no I/O here. */
import { AppError, fingerprint } from "@tt/kit";

/** Lifecycle of an intent: PENDING → APPROVED | FAILED; APPROVED → REFUNDED. */
export type PaymentStatus = "PENDING" | "APPROVED" | "FAILED" | "REFUNDED";

/** A decided status (what a scenario or a manual decision can produce). */
export type Outcome = "APPROVED" | "FAILED";

/** How the simulator decides: see `planOutcome`. */
export type Scenario = "approve" | "fail" | "delay" | "random";

/** Every scenario, for validation and docs. */
export const SCENARIOS: readonly Scenario[] = ["approve", "fail", "delay", "random"];

/** One attempt to pay for one reservation. */
export interface PaymentIntent {
  id: string;
  reservationId: string;
  userId: string;
  /** Minor units of `currency` (KRW has none, so won). */
  amount: number;
  currency: string;
  scenario: Scenario;
  status: PaymentStatus;
  /** What the scenario will decide and when; fixed at creation so a restart decides the same. */
  plannedOutcome: Outcome;
  decideAt: number;
  failureReason: string;
  refundReason: string;
  webhookUrl: string;
  /** W3C traceparent of the creating request, carried into the outcome events. */
  traceparent: string;
  createdAt: number;
  updatedAt: number;
}

/** What a caller asks for. */
export interface CreateIntentInput {
  reservationId: string;
  userId: string;
  amount: number;
  currency: string;
  scenario: Scenario;
  webhookUrl: string;
  idempotencyKey: string;
}

/**
 * The payment domain's refusals: catalogue errors (so every transport answers them as it answers
 * any AppError), limited to the codes below; a bad field is named in the metadata.
 */
export class PaymentError extends AppError {
  override readonly name = "PaymentError";
  declare readonly code: PaymentErrorCode;
  constructor(
    code: PaymentErrorCode,
    message: string,
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, { ...options, ...(field ? { metadata: { field } } : {}) });
  }
}

/** The catalogue codes the payment domain can fail with. */
export type PaymentErrorCode = "VALIDATION_FAILED" | "NOT_FOUND" | "INVALID_STATE" | "IDEMPOTENCY_CONFLICT";

const ISO_4217 = /^[A-Z]{3}$/;
const MAX_ID_LENGTH = 128;

function invalid(field: string, message: string): PaymentError {
  return new PaymentError("VALIDATION_FAILED", `${field} ${message}`, field);
}

/** Throws VALIDATION_FAILED naming the first bad field. */
export function validateCreate(input: CreateIntentInput): void {
  if (!input.reservationId || input.reservationId.length > MAX_ID_LENGTH) {
    throw invalid("reservation_id", "is required (at most 128 characters)");
  }
  if (input.userId.length > MAX_ID_LENGTH) throw invalid("user_id", "is at most 128 characters");
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
    throw invalid("amount", "must be a positive whole number of minor units");
  }
  // Shape only: the simulator accepts any well-formed code rather than carrying the ISO list.
  if (!ISO_4217.test(input.currency)) throw invalid("currency", "must be an ISO 4217 code such as KRW");
  if (!SCENARIOS.includes(input.scenario))
    throw invalid("scenario", `must be one of ${SCENARIOS.join(", ")}`);
  if (input.webhookUrl && !isHttpUrl(input.webhookUrl))
    throw invalid("webhook_url", "must be an http(s) URL");
  if (input.idempotencyKey.length > MAX_ID_LENGTH)
    throw invalid("idempotency_key", "is at most 128 characters");
}

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === "http:" || protocol === "https:";
}

/**
 * What identifies "the same request" for an idempotency key: replaying the key with any of
 * these changed is a conflict, not a replay.
 */
export function requestFingerprint(input: CreateIntentInput): string {
  return fingerprint([input.reservationId, input.amount, input.currency, input.scenario, input.webhookUrl]);
}
