import type { Client } from "@connectrpc/connect";
import { payment } from "@tt/contracts";
import { fromConnectError } from "@tt/kit";
import type { PaymentGateway, PaymentInfo } from "../domain/ports.ts";

/** A Connect client of PaymentService (built with the kit: deadline, retries, breaker). */
export type PaymentClient = Client<typeof payment.PaymentService>;

const STATUS: Partial<Record<payment.PaymentStatus, PaymentInfo["status"]>> = {
  [payment.PaymentStatus.PENDING]: "PENDING",
  [payment.PaymentStatus.APPROVED]: "APPROVED",
  [payment.PaymentStatus.FAILED]: "FAILED",
  [payment.PaymentStatus.REFUNDED]: "REFUNDED",
};

/** PaymentGateway over Connect. */
export class ConnectPaymentGateway implements PaymentGateway {
  constructor(private readonly client: PaymentClient) {}

  async status(paymentIntentId: string): Promise<PaymentInfo | undefined> {
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
      const appError = fromConnectError(error);
      if (appError.code === "NOT_FOUND") return undefined;
      throw appError;
    }
  }

  async refund(paymentIntentId: string, reason: string, idempotencyKey: string): Promise<void> {
    try {
      await this.client.refundPayment({ paymentIntentId, reason, idempotencyKey });
    } catch (error) {
      throw fromConnectError(error);
    }
  }
}
