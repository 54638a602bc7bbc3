import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { payment } from "@tt/contracts";
import { AppError, type ConnectRoutes } from "@tt/kit";
import type { PaymentIntent, Scenario } from "../domain/intent.ts";
import type { PaymentSimulator } from "../domain/payment-simulator.ts";

const { PaymentScenario, PaymentStatus, ProcessAction } = payment;

const SCENARIO_FROM_PROTO: Partial<Record<payment.PaymentScenario, Scenario>> = {
  [PaymentScenario.APPROVE]: "approve",
  [PaymentScenario.FAIL]: "fail",
  [PaymentScenario.DELAY]: "delay",
  [PaymentScenario.RANDOM]: "random",
};
const SCENARIO_TO_PROTO: Record<Scenario, payment.PaymentScenario> = {
  approve: PaymentScenario.APPROVE,
  fail: PaymentScenario.FAIL,
  delay: PaymentScenario.DELAY,
  random: PaymentScenario.RANDOM,
};
const STATUS_TO_PROTO: Record<PaymentIntent["status"], payment.PaymentStatus> = {
  PENDING: PaymentStatus.PENDING,
  APPROVED: PaymentStatus.APPROVED,
  FAILED: PaymentStatus.FAILED,
  REFUNDED: PaymentStatus.REFUNDED,
};

/** An int64 amount as a safe JS number; anything larger is refused rather than rounded. */
function amountOf(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new AppError("VALIDATION_FAILED", "amount is too large", { metadata: { field: "amount" } });
  }
  return Number(value);
}

/** The wire shape of an intent. */
export function intentToProto(intent: PaymentIntent) {
  return {
    paymentIntentId: intent.id,
    reservationId: intent.reservationId,
    userId: intent.userId,
    amount: BigInt(intent.amount),
    currency: intent.currency,
    scenario: SCENARIO_TO_PROTO[intent.scenario],
    status: STATUS_TO_PROTO[intent.status],
    failureReason: intent.status === "REFUNDED" ? intent.refundReason : intent.failureReason,
    createdAt: timestampFromMs(intent.createdAt),
    updatedAt: timestampFromMs(intent.updatedAt),
  };
}

/** The Connect handlers of payment.v1.PaymentService over the simulator. */
export function paymentRpc(simulator: PaymentSimulator): ConnectRoutes {
  return (router) =>
    router.service(payment.PaymentService, {
      async createPaymentIntent(req) {
        const scenario = SCENARIO_FROM_PROTO[req.scenario];
        if (!scenario) {
          throw new AppError("VALIDATION_FAILED", "scenario must be one of approve, fail, delay, random", {
            metadata: { field: "scenario" },
          });
        }
        const { intent, replayed } = await simulator.create({
          reservationId: req.reservationId,
          userId: req.userId,
          amount: amountOf(req.amount),
          currency: req.currency,
          scenario,
          webhookUrl: req.webhookUrl,
          idempotencyKey: req.idempotencyKey,
        });
        return {
          paymentIntentId: intent.id,
          status: STATUS_TO_PROTO[intent.status],
          // docs/spec.md ("Payments") promises `next: "webhook"`: the outcome is pushed (webhook and
          // event), never polled for.
          next: "webhook",
          replayed,
        };
      },
      async getPaymentStatus(req) {
        const intent = await simulator.get(req.paymentIntentId);
        return { intent: intentToProto(intent) };
      },
      async processPayment(req) {
        const outcome =
          req.action === ProcessAction.APPROVE
            ? "APPROVED"
            : req.action === ProcessAction.FAIL
              ? "FAILED"
              : undefined;
        if (!outcome) {
          throw new AppError("VALIDATION_FAILED", "action must be APPROVE or FAIL", {
            metadata: { field: "action" },
          });
        }
        const intent = await simulator.process(req.paymentIntentId, outcome);
        return { intent: intentToProto(intent) };
      },
      async refundPayment(req) {
        const intent = await simulator.refund(req.paymentIntentId, req.reason);
        return { intent: intentToProto(intent) };
      },
    });
}
