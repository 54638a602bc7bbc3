import {
  AppError,
  decodeEvent,
  errorResponse,
  type Logger,
  type Metrics,
  type NativeRoutes,
  redisError,
  verifyWebhook,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from "@tt/kit";
import type Redis from "ioredis";

/** The path the payment simulator posts signed outcomes to. */
export const WEBHOOK_PATH = "/api/v1/payments/webhook";

/** What the receiver needs. */
export interface WebhookDeps {
  /** The payment simulator's HMAC secret (comma-separated during a rotation). */
  secret: string;
  redis: Redis;
  log: Logger;
  metrics: Metrics;
  now?: () => number;
}

/**
 * Receives the payment simulator's signed webhooks. The signature is the authentication: it is
 * checked over the exact raw body, so the route is one of Bun's own (the kit's `mountNative`),
 * where no JSON parser can consume or re-serialise the body first. Notification only — the
 * worker confirms or releases from the event queue; here a delivery is verified, de-duplicated
 * by event id and counted.
 */
export function webhookReceiver(deps: WebhookDeps): NativeRoutes {
  const received = deps.metrics.counter(
    "payment_webhooks_received_total",
    "Signed payment webhooks accepted",
    ["type", "duplicate"],
  );
  const rejected = deps.metrics.counter("payment_webhook_rejected_total", "Payment webhooks refused", [
    "reason",
  ]);
  const receive = async (request: Request) => {
    const body = await request.text();
    const verdict = verifyWebhook({
      secret: deps.secret.split(","),
      body,
      signature: request.headers.get(WEBHOOK_SIGNATURE_HEADER),
      timestamp: request.headers.get(WEBHOOK_TIMESTAMP_HEADER),
      ...(deps.now ? { nowMs: deps.now() } : {}),
    });
    if (!verdict.ok) {
      rejected.inc({ reason: verdict.reason });
      deps.log.warn("payment webhook refused", { reason: verdict.reason });
      return errorResponse(new AppError("UNAUTHENTICATED", "Webhook signature is missing, invalid or stale"));
    }
    let type: string;
    let id: string;
    try {
      const event = decodeEvent(body);
      type = event.type;
      id = event.id;
    } catch {
      rejected.inc({ reason: "malformed" });
      return errorResponse(new AppError("VALIDATION_FAILED", "body: is not a payment event"));
    }
    let first: string | null;
    try {
      first = await deps.redis.set(`tt:webhook:{${id}}`, "1", "EX", 86_400, "NX");
    } catch (error) {
      // Redis down: 503, and the simulator delivers again later (never a 500).
      return errorResponse(redisError(error));
    }
    received.inc({ type, duplicate: first === "OK" ? "false" : "true" });
    deps.log.info("payment webhook received", { event_id: id, type, duplicate: first !== "OK" });
    return Response.json({ received: true });
  };
  return { [WEBHOOK_PATH]: { POST: receive } };
}
