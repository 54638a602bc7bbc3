// A test double of the payment service (issue 5): a real Connect server on the kit serving the
// two PaymentService procedures the reservation service calls, with intents set by the test.
import type { ConnectRouter } from "@connectrpc/connect";
import { payment } from "@tt/contracts";
import { AppError, baseFields, createService, loadConfig } from "@tt/kit";
import { freePort } from "@tt/kit/testing";

/** An intent as the double holds it. */
export interface DoubleIntent {
  reservationId: string;
  amount: number;
  status: payment.PaymentStatus;
}

/**
 * Starts the double on a free port; `approve` and `refunds` script and observe it. `identity` is
 * payment's key environment (identityEnv), when the test runs the services with their own keys.
 */
export async function startPaymentDouble(identity: Record<string, string> = {}) {
  const intents = new Map<string, DoubleIntent>();
  const refunds: Array<{ paymentIntentId: string; idempotencyKey: string; reason: string }> = [];
  const message = (id: string, i: DoubleIntent) => ({
    paymentIntentId: id,
    reservationId: i.reservationId,
    amount: BigInt(i.amount),
    currency: "KRW",
    status: i.status,
  });
  const rpc = (router: ConnectRouter) =>
    router.service(payment.PaymentService, {
      getPaymentStatus(req) {
        const intent = intents.get(req.paymentIntentId);
        if (!intent) throw new AppError("NOT_FOUND", "no such intent");
        return { intent: message(req.paymentIntentId, intent) };
      },
      refundPayment(req) {
        const intent = intents.get(req.paymentIntentId);
        if (!intent) throw new AppError("NOT_FOUND", "no such intent");
        refunds.push({
          paymentIntentId: req.paymentIntentId,
          idempotencyKey: req.idempotencyKey,
          reason: req.reason,
        });
        intent.status = payment.PaymentStatus.REFUNDED;
        return { intent: message(req.paymentIntentId, intent) };
      },
    });
  const port = freePort();
  const config = loadConfig(baseFields(port), {
    HOST: "127.0.0.1",
    RPC_PORT: "0",
    LOG_LEVEL: "error",
    ...identity,
  });
  const service = createService({
    name: "payment-double",
    description: "payment test double",
    config,
    identity: { audiences: ["payment"] },
  });
  service.serveRpc(rpc);
  await service.start({ handleSignals: false });
  return {
    url: `http://127.0.0.1:${port}`,
    refunds,
    approve(id: string, reservationId: string, amount: number) {
      intents.set(id, { reservationId, amount, status: payment.PaymentStatus.APPROVED });
    },
    stop: () => service.stop(),
  };
}
