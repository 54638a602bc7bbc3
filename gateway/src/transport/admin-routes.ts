import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { inventory } from "@tt/contracts";
import { AppError, EVENT_ID_PATTERN } from "@tt/kit";
import { AdminQueueView, EventDetail, errorAnswers, PurchasePolicyView, QueueChange } from "@tt/kit/api";
import { Elysia, t } from "elysia";
import type { WaitingRoom } from "../adapters/queue/waiting-room.redis.ts";
import type { Upstreams } from "../adapters/upstream/clients.connect.ts";
import type { AutoAdmission } from "../domain/queue/governor.ts";
import type { Guards } from "./guards.ts";
import { eventView } from "./views.ts";

const EventParams = t.Object({ id: t.String({ pattern: EVENT_ID_PATTERN }) });
const Iso = t.String({ format: "date-time" });

const CreateEventBody = t.Object({
  event_id: t.String({ pattern: EVENT_ID_PATTERN }),
  name: t.String({ minLength: 1, maxLength: 200 }),
  venue: t.String({ minLength: 1, maxLength: 200 }),
  starts_at: Iso,
  sale_opens_at: Iso,
  sale_closes_at: Iso,
  currency: t.String({ pattern: "^[A-Z]{3}$" }),
  sections: t.Array(
    t.Object({
      section_id: t.String({ pattern: "^[A-Za-z0-9]{1,8}$" }),
      name: t.String({ minLength: 1, maxLength: 80 }),
      price: t.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
      rows: t.Integer({ minimum: 1, maximum: 200 }),
      seats_per_row: t.Integer({ minimum: 1, maximum: 200 }),
    }),
    { minItems: 1, maxItems: 50 },
  ),
  pre_queue: t.Optional(t.Boolean({ description: "Shuffle everyone who joins before sale_opens_at" })),
});

/** The self-tuning part of a queue change: bounds given (or the current or default ones) with `auto`, null with `fixed`. */
function autoChange(
  body: { admission?: "fixed" | "auto"; rate_min?: number; rate_max?: number },
  current: AutoAdmission | null,
): { auto?: AutoAdmission | null } {
  const tuned = body.admission === "auto" || (body.admission === undefined && current !== null);
  if (body.admission === "fixed") return { auto: null };
  if (!tuned) {
    if (body.rate_min !== undefined || body.rate_max !== undefined) {
      throw new AppError("VALIDATION_FAILED", 'rate_min, rate_max: only with admission "auto"', {
        metadata: { field: "admission" },
      });
    }
    return {};
  }
  const min = body.rate_min ?? current?.min ?? 1;
  const max = body.rate_max ?? current?.max ?? 1000;
  if (min > max) {
    throw new AppError("VALIDATION_FAILED", "rate_min: must not be above rate_max", {
      metadata: { field: "rate_min" },
    });
  }
  return { auto: { min, max } };
}

// null gives a field back to the reservation service's default (PURCHASE_MAX_* settings).
const PolicyChange = t.Object({
  max_live_reservations: t.Optional(
    t.Union([t.Integer({ minimum: 1, maximum: 10 }), t.Null()], {
      description: "Live reservations one buyer may have at once; null: the default (1)",
    }),
  ),
  max_seats_per_user: t.Optional(
    t.Union([t.Integer({ minimum: 1, maximum: 1000 }), t.Null()], {
      description: "Seats one buyer may hold and buy in all; null: the default",
    }),
  ),
});

/** The purchase policy as the admin API shows it; null: the platform's default. */
function policyView(eventId: string, policy: inventory.PurchasePolicy | undefined): PurchasePolicyView {
  if (!policy) throw new Error("inventory answered without a purchase policy");
  return {
    event_id: eventId,
    max_live_reservations: policy.maxLiveReservations ?? null,
    max_seats_per_user: policy.maxSeatsPerUser ?? null,
    version: Number(policy.version),
  };
}

/** Operators' API (admin role): create events, steer each event's admissions live, set its purchase policy. */
export function adminRoutes(deps: { upstreams: Upstreams; room: WaitingRoom; guards: Guards }) {
  const { room } = deps;
  const queueView = async (eventId: string): Promise<AdminQueueView> => {
    const [settings, stats] = await Promise.all([room.settings(eventId), room.stats(eventId)]);
    return {
      event_id: eventId,
      rate: settings.rate,
      cap: settings.cap,
      paused: settings.paused,
      opens_at: settings.opensAt === null ? null : new Date(settings.opensAt).toISOString(),
      admission: settings.auto ? "auto" : "fixed",
      rate_min: settings.auto?.min ?? null,
      rate_max: settings.auto?.max ?? null,
      // The rate self-tuning admits at now (null unless self-tuned and ticking).
      auto_rate: settings.auto ? stats.autoRate : null,
      challenge_difficulty: settings.challengeDifficulty,
      waiting: stats.waiting,
      admitted: stats.admitted,
      served: stats.served,
      observed_rate_per_sec: stats.ratePerSec,
    };
  };
  const admin = { auth: "admin" as const, rateLimit: true as const };
  // Every route answers one of these views, or the standard error body.
  const answers = {
    queue: { 200: AdminQueueView, ...errorAnswers },
    policy: { 200: PurchasePolicyView, ...errorAnswers },
  };
  return new Elysia({ name: "gateway.admin", prefix: "/api/v1/admin/events" })
    .use(deps.guards)
    .post(
      "",
      async ({ body, set }) => {
        const { event } = await deps.upstreams.inventory.createEvent(
          create(inventory.CreateEventRequestSchema, {
            eventId: body.event_id,
            name: body.name,
            venue: body.venue,
            startsAt: timestampFromMs(Date.parse(body.starts_at)),
            saleOpensAt: timestampFromMs(Date.parse(body.sale_opens_at)),
            saleClosesAt: timestampFromMs(Date.parse(body.sale_closes_at)),
            currency: body.currency,
            sections: body.sections.map((s) => ({
              sectionId: s.section_id,
              name: s.name,
              price: BigInt(s.price),
              rows: s.rows,
              seatsPerRow: s.seats_per_row,
            })),
          }),
          // Writing every seat of a large map takes far longer than a hot-path call.
          { timeoutMs: 30_000 },
        );
        if (!event) throw new Error("inventory answered without an event");
        if (body.pre_queue)
          await room.updateSettings(body.event_id, { opensAt: Date.parse(body.sale_opens_at) });
        set.status = 201;
        return eventView(event);
      },
      {
        body: CreateEventBody,
        ...admin,
        response: { 201: EventDetail, ...errorAnswers },
        detail: { summary: "Create an event from a compact seat map", tags: ["admin"] },
      },
    )
    .get("/:id/queue", ({ params }) => queueView(params.id), {
      params: EventParams,
      response: answers.queue,
      ...admin,
      detail: { summary: "Queue settings and counts", tags: ["admin"] },
    })
    .patch(
      "/:id/queue",
      async ({ params, body }) => {
        const auto = autoChange(body, (await room.settings(params.id)).auto);
        await room.updateSettings(params.id, {
          ...auto,
          ...(body.rate !== undefined ? { rate: body.rate } : {}),
          ...(body.cap !== undefined ? { cap: body.cap } : {}),
          ...(body.challenge_difficulty !== undefined
            ? { challengeDifficulty: body.challenge_difficulty }
            : {}),
          ...(body.opens_at !== undefined
            ? { opensAt: body.opens_at === null ? null : Date.parse(body.opens_at) }
            : {}),
        });
        return queueView(params.id);
      },
      {
        params: EventParams,
        response: answers.queue,
        body: QueueChange,
        ...admin,
        detail: {
          summary:
            "Change admission rate (fixed, or self-tuning within bounds), cap or pre-queue opening live",
          tags: ["admin"],
        },
      },
    )
    .post(
      "/:id/queue/pause",
      async ({ params }) => {
        await room.updateSettings(params.id, { paused: true });
        return queueView(params.id);
      },
      {
        params: EventParams,
        response: answers.queue,
        ...admin,
        detail: { summary: "Stop admitting (the line keeps its order)", tags: ["admin"] },
      },
    )
    .post(
      "/:id/queue/resume",
      async ({ params }) => {
        await room.updateSettings(params.id, { paused: false });
        return queueView(params.id);
      },
      {
        params: EventParams,
        response: answers.queue,
        ...admin,
        detail: { summary: "Admit again", tags: ["admin"] },
      },
    )
    .get(
      "/:id/purchase-policy",
      async ({ params }) => {
        const { policy } = await deps.upstreams.inventory.getPurchasePolicy({ eventId: params.id });
        return policyView(params.id, policy);
      },
      {
        params: EventParams,
        response: answers.policy,
        ...admin,
        detail: { summary: "What one buyer may hold and buy of the event", tags: ["admin"] },
      },
    )
    .patch(
      "/:id/purchase-policy",
      async ({ params, body }) => {
        // Absent: unchanged; null: 0, which tells inventory to give the field back to the default.
        const change = (v: number | null | undefined) => (v === null ? 0 : v);
        const { policy } = await deps.upstreams.inventory.updatePurchasePolicy({
          eventId: params.id,
          maxLiveReservations: change(body.max_live_reservations),
          maxSeatsPerUser: change(body.max_seats_per_user),
        });
        return policyView(params.id, policy);
      },
      {
        params: EventParams,
        response: answers.policy,
        body: PolicyChange,
        ...admin,
        detail: {
          summary:
            "Change the per-buyer limits (live reservations, seats held plus bought); holds see it within 1 s",
          tags: ["admin"],
        },
      },
    );
}
