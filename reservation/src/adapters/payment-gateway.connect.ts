import type { Client } from "@connectrpc/connect";
import { payment } from "@tt/contracts";
import { AppError, type AttestationReader } from "@tt/kit";
import type { PaymentGateway, PaymentInfo } from "../domain/ports.ts";

/** A Connect client of PaymentService (built with the kit: deadline, retries, breaker). */
export type PaymentClient = Client<typeof payment.PaymentService>;

const STATUS: Partial<Record<payment.PaymentStatus, PaymentInfo["status"]>> = {
  [payment.PaymentStatus.PENDING]: "PENDING",
  [payment.PaymentStatus.APPROVED]: "APPROVED",
  [payment.PaymentStatus.FAILED]: "FAILED",
  [payment.PaymentStatus.REFUNDED]: "REFUNDED",
};

/**
 * PaymentGateway over Connect. An approval payment signed (kit attestation, checked against
 * payment's own key) answers `status` without a call: it says what GetPaymentStatus would have —
 * the intent is APPROVED, for this reservation, amount and currency — and payment's only way out
 * of APPROVED is a refund, which the platform makes only once the hold can no longer be confirmed.
 * Anything that does not verify, has lapsed or names another intent is asked about as before.
 */
export class ConnectPaymentGateway implements PaymentGateway {
  constructor(
    private readonly client: PaymentClient,
    private readonly approvals?: AttestationReader,
  ) {}

  async status(paymentIntentId: string, approval?: string): Promise<PaymentInfo | undefined> {
    const signed = approval ? await this.approvals?.read(approval, "payment") : undefined;
    if (signed?.sub === paymentIntentId && signed.st === "APPROVED" && typeof signed.rsv === "string") {
      return {
        status: "APPROVED",
        reservationId: signed.rsv,
        amount: Number(signed.amt),
        currency: String(signed.cur ?? ""),
      };
    }
    try {
      const { intent } = await this.client.getPaymentStatus({ paymentIntentId });
      if (!intent) return undefined;
      return {
        status: STATUS[intent.status] ?? "PENDING",
        reservationId: intent.reservationId,
        amount: Number(intent.amount),
        currency: intent.currency,
      };
    } catch (error) {
      // The kit client rejects with the catalogue error (kit/src/connect/client.ts).
      if (error instanceof AppError && error.code === "NOT_FOUND") return undefined;
      throw error;
    }
  }

  async refund(paymentIntentId: string, reason: string, idempotencyKey: string): Promise<void> {
    await this.client.refundPayment({ paymentIntentId, reason, idempotencyKey });
  }
}
