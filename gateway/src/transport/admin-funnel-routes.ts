import { EVENT_ID_PATTERN, readSaleTally, type SaleFigures } from "@tt/kit";
import { errorAnswers, FunnelView } from "@tt/kit/api";
import { Elysia, t } from "elysia";
import type Redis from "ioredis";
import type { Guards } from "./guards.ts";
import { type Buckets, quantileBetween } from "./live-figures.ts";

const EventParams = t.Object({ id: t.String({ pattern: EVENT_ID_PATTERN }) });

/** What the funnel view reads. */
export interface AdminFunnelDeps {
  /** The Redis every gateway adds its sale tallies to (kit/src/sale-tally.ts). */
  redis: Redis;
  guards: Guards;
  now?: () => number;
}

/** The `q` quantile of the time in line (seconds) from the tally's buckets; null when nobody was admitted. */
export function waitQuantile(wait: SaleFigures["wait"], q: number): number | null {
  const cumulative: Buckets = new Map();
  let sum = 0;
  for (const { le, count } of wait.buckets) {
    sum += count;
    cumulative.set(le ?? Number.POSITIVE_INFINITY, sum);
  }
  const value = quantileBetween(new Map(), cumulative, q);
  return value === null ? null : Math.round(value * 10) / 10;
}

/**
 * The operator's sale analytics of one event: the funnel, the places abandoned and the time in
 * line, added up in Redis by every gateway once a second, and the confirmed orders the worker
 * counted in the event's set of orders (an HGETALL and an SCARD per read).
 */
export function adminFunnelRoutes(deps: AdminFunnelDeps) {
  const now = deps.now ?? Date.now;
  return new Elysia({ name: "gateway.admin-funnel", prefix: "/api/v1/admin/events" }).use(deps.guards).get(
    "/:id/funnel",
    async ({ params }) => {
      const figures = await readSaleTally(deps.redis, params.id);
      return {
        event_id: params.id,
        as_of: new Date(now()).toISOString(),
        funnel: figures.funnel,
        abandoned: figures.abandoned,
        wait: {
          count: figures.wait.count,
          p50_sec: waitQuantile(figures.wait, 0.5),
          p95_sec: waitQuantile(figures.wait, 0.95),
          buckets: figures.wait.buckets,
        },
      };
    },
    {
      params: EventParams,
      response: { 200: FunnelView, ...errorAnswers },
      auth: "admin",
      rateLimit: true,
      detail: {
        summary: "An event's sale funnel, abandoned places and time in line, for the operator console",
        tags: ["admin"],
      },
    },
  );
}
