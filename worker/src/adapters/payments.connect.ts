import { payment } from "@tt/contracts";
import { type Credentials, createServiceClient, type Metrics } from "@tt/kit";
import type { Payments } from "../domain/ports.ts";
import { calling } from "./upstream-errors.ts";

/** PaymentService over Connect, for refunds. */
export class ConnectPayments implements Payments {
  private readonly client;

  constructor(baseUrl: string, timeoutMs: number, credentials: Credentials, metrics?: Metrics) {
    this.client = createServiceClient(payment.PaymentService, {
      name: "payment",
      baseUrl,
      timeoutMs,
      credentials,
      ...(metrics ? { metrics } : {}),
    });
  }

  async refund(paymentIntentId: string, reason: string): Promise<void> {
    await calling(() => this.client.refundPayment({ paymentIntentId, reason }));
  }
}
