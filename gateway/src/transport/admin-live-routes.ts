import { AppError, EVENT_ID_PATTERN, type Logger, type Metrics } from "@tt/kit";
import { errorAnswers, LiveView } from "@tt/kit/api";
import { Elysia, t } from "elysia";
import type { WaitingRoom } from "../adapters/queue/waiting-room.redis.ts";
import type { StockReader } from "../adapters/upstream/stock.connect.ts";
import { type Stock, saleOf } from "../domain/queue/sale.ts";
import type { Guards } from "./guards.ts";
import { bucketsOf, RateOfChange, RecentQuantile } from "./live-figures.ts";

const EventParams = t.Object({ id: t.String({ pattern: EVENT_ID_PATTERN }) });

/** What the live view reads. */
export interface AdminLiveDeps {
  room: Pick<WaitingRoom, "settings" | "stats">;
  /** The event's seat counts (inventory's cached seat map: no store read). */
  readStock: StockReader;
  /** The gateway's registry: its histogram of upstream calls gives the hold latency. */
  metrics: Pick<Metrics, "backendDuration">;
  guards: Guards;
  log: Pick<Logger, "warn">;
  now?: () => number;
}

/**
 * The operator's live view of one event: the line, the seats, how fast they sell and how fast
 * holds are answered, in one read made for a console polling every second. It costs three Redis
 * reads and one inventory call answered from its seat-map cache; the rates are this process's
 * own (live-figures.ts). The hold latency is this replica's, across events: the histogram has no
 * event label, and adding one would cost every hold.
 */
export function adminLiveRoutes(deps: AdminLiveDeps) {
  const now = deps.now ?? Date.now;
  const sold = new RateOfChange();
  const holds = new RecentQuantile(async () =>
    bucketsOf(await deps.metrics.backendDuration.get(), "backend_call_duration_seconds", {
      service: "reservation",
      method: "CreateReservation",
    }),
  );
  let warnedAt = 0;
  /** The seats, or null while inventory cannot say (the line's figures are still worth showing). */
  const stockOf = (eventId: string): Promise<Stock | null> =>
    deps.readStock(eventId).catch((error: unknown) => {
      if (error instanceof AppError && error.code === "EVENT_NOT_FOUND") throw error;
      if (now() - warnedAt > 10_000) {
        warnedAt = now();
        deps.log.warn("live view without seat counts", { event_id: eventId, err: error });
      }
      return null;
    });

  return new Elysia({ name: "gateway.admin-live", prefix: "/api/v1/admin/events" }).use(deps.guards).get(
    "/:id/live",
    async ({ params }) => {
      const eventId = params.id;
      const [settings, stats, stock] = await Promise.all([
        deps.room.settings(eventId),
        deps.room.stats(eventId),
        stockOf(eventId),
      ]);
      const at = now();
      const p95 = await holds.quantile(0.95, at);
      return {
        event_id: eventId,
        as_of: new Date(at).toISOString(),
        // A closed sale window ends the sale whatever the seats say (the line's own state).
        sale: stats.sale.state === "ended" ? "ended" : stock ? saleOf(stock).state : null,
        waiting: stats.waiting,
        active_buyers: stats.admitted,
        served: stats.served,
        admitted_per_sec: stats.ratePerSec,
        seats: stock,
        sold_per_sec: stock ? sold.note(eventId, stock.sold, at) : null,
        hold_p95_ms: p95 === null ? null : Math.round(p95 * 10_000) / 10,
        settings: {
          rate: settings.rate,
          cap: settings.cap,
          paused: settings.paused,
          opens_at: settings.opensAt === null ? null : new Date(settings.opensAt).toISOString(),
        },
      };
    },
    {
      params: EventParams,
      response: { 200: LiveView, ...errorAnswers },
      auth: "admin",
      rateLimit: true,
      detail: {
        summary: "Live figures of an event's sale, for the operator console (poll every second)",
        tags: ["admin"],
      },
    },
  );
}
