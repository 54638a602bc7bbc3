import type { Client } from "@connectrpc/connect";
import type { payment } from "@tt/contracts";
import type { Payments } from "../domain/ports.ts";
import { calling } from "./upstream-errors.ts";

/** PaymentService over Connect, for refunds. */
export class ConnectPayments implements Payments {
  constructor(private readonly client: Client<typeof payment.PaymentService>) {}

  async refund(paymentIntentId: string, reason: string): Promise<void> {
    await calling(() => this.client.refundPayment({ paymentIntentId, reason }));
  }
}
