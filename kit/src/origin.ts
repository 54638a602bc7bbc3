/**
 * Which piece of work a dependency request was made for: the route or procedure being served
 * ("POST /api/v1/reservations", "POST /inventory.v1.InventoryService/ReserveSeats"), or a named
 * background loop ("outbox relay"). Carried in the OpenTelemetry context every request already
 * runs in, so it costs one context value per request; read by the dependency counters, so the
 * services' own metrics say what each step of a purchase costs in DynamoDB, SQS, Redis and
 * service-to-service calls, and what an idle platform spends.
 */
import { type Context, context, createContextKey } from "@opentelemetry/api";

const ORIGIN = createContextKey("tt.origin");

/** Names the work in hand; `name` may be computed late (a route is matched after the span starts). */
export interface Origin {
  readonly name: string;
}

/** `ctx` with `origin` as the work in hand. */
export function withOrigin(ctx: Context, origin: Origin): Context {
  return ctx.setValue(ORIGIN, origin);
}

/** Runs `fn` as the named background work (a poller pass, a consumed message). */
export function runAs<T>(name: string, fn: () => T): T {
  return context.with(withOrigin(context.active(), { name }), fn);
}

/** The work in hand, "background" outside any request or named loop. */
export function currentOrigin(): string {
  return (context.active().getValue(ORIGIN) as Origin | undefined)?.name ?? "background";
}
