import { inventory } from "@tt/contracts";
import { Elysia, t } from "elysia";
import type { Guards } from "../guards.ts";
import { AvailabilityCache } from "../upstream/availability-cache.ts";
import type { Upstreams } from "../upstream/clients.ts";
import { upstream } from "./upstream-call.ts";
import { eventView, iso, sectionCountView } from "./views.ts";

const EventParams = t.Object({ id: t.String({ pattern: "^[A-Za-z0-9_-]{1,64}$" }) });
const SEAT_STATUS = inventory.SeatStatus;

/** Events, their sections and prices, and live availability (public). */
export function eventRoutes(deps: { upstreams: Upstreams; guards: Guards; availabilityTtlMs?: number }) {
  const inv = deps.upstreams.inventory;
  const availability = new AvailabilityCache(async (eventId) => {
    const status = await upstream(inv.getInventoryStatus({ eventId, includeSeats: true }));
    const seats: Record<string, string> = {};
    for (const s of status.seats) seats[s.seatId] = (SEAT_STATUS[s.status] ?? "").replace("SEAT_STATUS_", "");
    return JSON.stringify({
      event_id: status.eventId,
      as_of: iso(status.asOf),
      sections: status.sections.map(sectionCountView),
      seats,
    });
  }, deps.availabilityTtlMs);
  return new Elysia({ name: "gateway.events", prefix: "/api/v1/events" })
    .use(deps.guards)
    .get(
      "",
      async () => {
        const { events } = await upstream(inv.listEvents({ pageSize: 100 }));
        // Counts come from the seat-map cache (no DynamoDB read), one call per listed event.
        const statuses = await Promise.all(
          events.map((e) => upstream(inv.getInventoryStatus({ eventId: e.eventId, includeSeats: false }))),
        );
        return {
          events: events.map((e, i) => {
            const sections = statuses[i]?.sections ?? [];
            const available = sections.reduce((n, s) => n + s.available, 0);
            return { ...eventView(e), available_seats: available };
          }),
        };
      },
      {
        rateLimit: true,
        detail: { summary: "Events on sale or coming up, with sale window and counts", tags: ["events"] },
      },
    )
    .get(
      "/:id",
      async ({ params }) => {
        const { event } = await upstream(inv.getEvent({ eventId: params.id }));
        if (!event) throw new Error("inventory answered without an event");
        return eventView(event);
      },
      {
        params: EventParams,
        rateLimit: true,
        detail: { summary: "One event with its sections and prices", tags: ["events"] },
      },
    )
    .get(
      "/:id/availability",
      async ({ params }) =>
        new Response(await availability.get(params.id), { headers: { "content-type": "application/json" } }),
      {
        params: EventParams,
        rateLimit: true,
        detail: {
          summary: "Per-section counts and the seat map (seat id → AVAILABLE/HELD/SOLD)",
          tags: ["events"],
        },
      },
    );
}
