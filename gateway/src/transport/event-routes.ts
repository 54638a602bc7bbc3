import { inventory } from "@tt/contracts";
import { EVENT_ID_PATTERN } from "@tt/kit";
import { Availability, EventDetail, EventList, errorAnswers } from "@tt/kit/api";
import { Elysia, t } from "elysia";
import { AvailabilityCache } from "../adapters/upstream/availability-cache.ts";
import type { Upstreams } from "../adapters/upstream/clients.connect.ts";
import type { Guards } from "./guards.ts";
import { eventView, iso, sectionCountView } from "./views.ts";

const EventParams = t.Object({ id: t.String({ pattern: EVENT_ID_PATTERN }) });
/** Seat status names as the API spells them (AVAILABLE, HELD, SOLD), by the contract's number. */
const SEAT_STATUS_NAME = new Map(
  Object.entries(inventory.SeatStatus)
    .filter((entry): entry is [string, number] => typeof entry[1] === "number")
    .map(([name, value]) => [value, name.replace("SEAT_STATUS_", "")]),
);

/** One availability answer, ready in each form a client may ask for. */
interface Encoded {
  json: string;
  gzip: Uint8Array;
  etag: string;
}

/**
 * The seat map of a 1,000-seat event is ~30 KB of JSON, read by every admitted buyer before each
 * pick: compressed once per cache period (~10× smaller) and tagged, so that a client that has
 * the same map already (If-None-Match, as browsers do for a `no-cache` answer) gets a 304.
 */
function encoded(json: string): Encoded {
  // A weak tag over everything after `as_of`: two maps with the same seats are equivalent even
  // when read a moment apart, and the caches refresh `as_of` every period.
  const content = json.slice(json.indexOf('"sections"'));
  return { json, gzip: Bun.gzipSync(json), etag: `W/"${Bun.hash(content).toString(36)}"` };
}

function availabilityResponse(body: Encoded, request: Headers): Response {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    etag: body.etag,
    "cache-control": "no-cache",
    vary: "accept-encoding",
  };
  if (
    request
      .get("if-none-match")
      ?.split(/\s*,\s*/)
      .includes(body.etag)
  )
    return new Response(null, { status: 304, headers });
  if (/\bgzip\b/.test(request.get("accept-encoding") ?? "")) {
    return new Response(body.gzip, { headers: { ...headers, "content-encoding": "gzip" } });
  }
  return new Response(body.json, { headers });
}

/** Events, their sections and prices, and live availability (public). */
export function eventRoutes(deps: { upstreams: Upstreams; guards: Guards; availabilityTtlMs?: number }) {
  const inv = deps.upstreams.inventory;
  const availability = new AvailabilityCache(async (eventId) => {
    const status = await inv.getInventoryStatus({ eventId, includeSeats: true });
    const seats: Record<string, string> = {};
    for (const s of status.seats) seats[s.seatId] = SEAT_STATUS_NAME.get(s.status) ?? "";
    return encoded(
      JSON.stringify({
        event_id: status.eventId,
        as_of: iso(status.asOf),
        sections: status.sections.map(sectionCountView),
        seats,
      }),
    );
  }, deps.availabilityTtlMs);
  return new Elysia({ name: "gateway.events", prefix: "/api/v1/events" })
    .use(deps.guards)
    .get(
      "",
      async () => {
        const { events } = await inv.listEvents({ pageSize: 100 });
        // Counts come from the seat-map cache (no DynamoDB read), one call per listed event.
        const statuses = await Promise.all(
          events.map((e) => inv.getInventoryStatus({ eventId: e.eventId, includeSeats: false })),
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
        response: { 200: EventList, ...errorAnswers },
        detail: { summary: "Events on sale or coming up, with sale window and counts", tags: ["events"] },
      },
    )
    .get(
      "/:id",
      async ({ params }) => {
        const { event } = await inv.getEvent({ eventId: params.id });
        if (!event) throw new Error("inventory answered without an event");
        return eventView(event);
      },
      {
        params: EventParams,
        rateLimit: true,
        response: { 200: EventDetail, ...errorAnswers },
        detail: { summary: "One event with its sections and prices", tags: ["events"] },
      },
    )
    .get(
      "/:id/availability",
      async ({ params, request }) => availabilityResponse(await availability.get(params.id), request.headers),
      {
        params: EventParams,
        rateLimit: true,
        // Documentation only: the answer leaves pre-encoded (a Response), which Elysia does not check.
        response: { 200: Availability, ...errorAnswers },
        detail: {
          summary: "Per-section counts and the seat map (seat id → AVAILABLE/HELD/SOLD)",
          tags: ["events"],
        },
      },
    );
}
