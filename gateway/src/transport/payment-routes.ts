import { payment } from "@tt/contracts";
import { AppError, type SaleTally } from "@tt/kit";
import { errorAnswers, PaymentIntentAnswer, PaymentStatusAnswer } from "@tt/kit/api";
import { Elysia, t } from "elysia";
import type { Upstreams } from "../adapters/upstream/clients.connect.ts";
import type { HoldFactsCache } from "../adapters/upstream/hold-facts.redis.ts";
import type { Guards } from "./guards.ts";
import { idempotencyKeyOf, markReplayed } from "./idempotency-plugin.ts";
import { paymentView } from "./views.ts";

const SCENARIOS = {
  approve: payment.PaymentScenario.APPROVE,
  fail: payment.PaymentScenario.FAIL,
  delay: payment.PaymentScenario.DELAY,
  random: payment.PaymentScenario.RANDOM,
} as const;

const IntentBody = t.Object({
  reservation_id: t.String({ pattern: "^[A-Za-z0-9_-]{1,80}$" }),
  amount: t.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  currency: t.String({ pattern: "^[A-Z]{3}$", description: "ISO 4217 code, e.g. KRW" }),
  scenario: t.Union([t.Literal("approve"), t.Literal("fail"), t.Literal("delay"), t.Literal("random")]),
});

/** What the payment routes need. */
export interface PaymentRouteDeps {
  upstreams: Upstreams;
  guards: Guards;
  /** Where the simulator posts signed outcomes (the webhook receiver); undefined for none. */
  webhookUrl: string | undefined;
  holds: Pick<HoldFactsCache, "recall">;
  /** Sale analytics: each new payment intent (not a repeat) counts as "paid". */
  tally?: Pick<SaleTally, "count">;
}

/** Simulated payments for the buyer's own reservations (docs/spec.md, "Payments"). */
export function paymentRoutes(deps: PaymentRouteDeps) {
  const { reservation: rsv, payment: pay } = deps.upstreams;
  return new Elysia({ name: "gateway.payments", prefix: "/api/v1/payments" })
    .use(deps.guards)
    .post(
      "/intent",
      async ({ body, user, request, set }) => {
        // The owner and amount check: from what the hold told us, else by reading the reservation
        // as this user (another's is NOT_FOUND).
        const known = await deps.holds.recall(body.reservation_id);
        const r =
          known?.userId === user.id
            ? known
            : (await rsv.getReservation({ reservationId: body.reservation_id, userId: user.id })).reservation;
        if (!r) throw new Error("reservation answered without a reservation");
        if (BigInt(body.amount) !== r.totalAmount || body.currency !== r.currency) {
          throw new AppError(
            "VALIDATION_FAILED",
            `amount: must equal the reservation's total (${r.totalAmount} ${r.currency})`,
            { metadata: { field: "amount" } },
          );
        }
        const res = await pay.createPaymentIntent({
          reservationId: body.reservation_id,
          userId: user.id,
          amount: BigInt(body.amount),
          currency: body.currency,
          scenario: SCENARIOS[body.scenario],
          webhookUrl: deps.webhookUrl ?? "",
          idempotencyKey: idempotencyKeyOf(request),
        });
        markReplayed(set, res.replayed);
        if (!res.replayed) deps.tally?.count(r.eventId, "paid");
        return {
          payment_intent_id: res.paymentIntentId,
          status: "PENDING" as const,
          next: res.next || "webhook",
        };
      },
      {
        body: IntentBody,
        auth: "required",
        idempotent: true,
        rateLimit: true,
        response: { 200: PaymentIntentAnswer, ...errorAnswers },
        detail: { summary: "Start a simulated payment for one of my reservations", tags: ["payments"] },
      },
    )
    .get(
      "/:id/status",
      async ({ params, user }) => {
        const { intent } = await pay.getPaymentStatus({ paymentIntentId: params.id });
        if (!intent || intent.userId !== user.id) throw new AppError("NOT_FOUND", `No payment ${params.id}`);
        return paymentView(
          intent,
          (s) => payment.PaymentStatus[s] ?? "",
          (s) => payment.PaymentScenario[s] ?? "",
        );
      },
      {
        params: t.Object({ id: t.String({ pattern: "^[A-Za-z0-9_-]{1,80}$" }) }),
        auth: "required",
        rateLimit: true,
        response: { 200: PaymentStatusAnswer, ...errorAnswers },
        detail: { summary: "Where one of my payments stands", tags: ["payments"] },
      },
    );
}
