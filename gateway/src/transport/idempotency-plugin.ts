import { AppError } from "@tt/kit";
import { Elysia } from "elysia";

const IDEMPOTENCY_KEY_PARAMETER = {
  name: "Idempotency-Key",
  in: "header" as const,
  required: true,
  description: "A fresh UUID per intended action; retries reuse it (replayed for 5 minutes)",
  schema: { type: "string" as const, format: "uuid" },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The Idempotency-Key of a request, checked: required (400 IDEMPOTENCY_REQUIRED) and a UUID
 * (400 INVALID_IDEMPOTENCY_KEY), lower-cased.
 */
export function idempotencyKeyOf(request: Request): string {
  const key = request.headers.get("idempotency-key")?.trim();
  if (!key) throw new AppError("IDEMPOTENCY_REQUIRED", "This route needs an Idempotency-Key header (a UUID)");
  if (!UUID.test(key)) throw new AppError("INVALID_IDEMPOTENCY_KEY", "Idempotency-Key must be a UUID");
  return key.toLowerCase();
}

/** Marks a response as the replay of an earlier request with the same key (docs/spec.md, "Idempotency"). */
export function markReplayed(set: { headers: Record<string, string | number> }, replayed: boolean): void {
  if (replayed) set.headers["x-idempotency-replayed"] = "true";
}

/**
 * Route option `idempotent: true`: the Idempotency-Key header is required and must be a UUID,
 * checked before the handler runs, and Swagger UI asks for it. The key itself is claimed once,
 * durably, by the service that performs the effect — in the same DynamoDB transaction as the
 * reservation or the payment intent (kit/src/idempotency) — so the gateway keeps no claim of its
 * own: a cache loss can never make a hold or a payment happen twice, and a request costs one
 * claim along the whole path. The handler passes the key on and marks replays.
 */
export function idempotencyPlugin() {
  return new Elysia({ name: "gateway.idempotency" }).macro({
    idempotent: (enabled: boolean) => ({
      detail: { parameters: enabled ? [IDEMPOTENCY_KEY_PARAMETER] : [] },
      beforeHandle({ request }) {
        if (enabled) idempotencyKeyOf(request);
      },
    }),
  });
}
