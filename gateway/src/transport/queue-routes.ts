import { AppError } from "@tt/kit";
import { Elysia, t } from "elysia";
import type { Guards } from "../guards.ts";
import type { LiveQueue, QueueFrame, Watcher } from "../queue/live-queue.ts";
import { isEventId } from "../queue/tokens.ts";
import type { WaitingRoom } from "../queue/waiting-room.ts";
import type { EventDirectory } from "../upstream/event-directory.ts";

/** What the queue routes need from the rest of the gateway. */
export interface QueueRouteDeps {
  room: WaitingRoom;
  live: LiveQueue;
  events: EventDirectory;
  /** The gateway's route-option guards (auth, rate limits). */
  guards: Guards;
  /** Sockets buffering more than this many bytes are dropped (backpressure). */
  maxSocketBufferBytes?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const JoinBody = t.Object({
  event_id: t.String({ minLength: 1, maxLength: 64, description: "Event to queue for" }),
  user_id: t.Optional(t.String({ maxLength: 128, description: "Ignored: identity comes from the JWT" })),
});
const TokenQuery = t.Object({ token: t.String({ minLength: 1, maxLength: 200 }) });
const EnterBody = t.Object({ waiting_token: t.String({ minLength: 1, maxLength: 200 }) });

/** The waiting-room routes of SPEC.md section 3, and the live queue WebSocket of section 4. */
export function queueRoutes(deps: QueueRouteDeps) {
  const { room, live } = deps;
  const maxBuffer = deps.maxSocketBufferBytes ?? 64 * 1024;
  const sockets = new WeakMap<object, Watcher>();

  return new Elysia({ name: "gateway.queue", prefix: "/api/v1/queue" })
    .use(deps.guards)
    .post(
      "/join",
      async ({ body, request, set, user }) => {
        if (!isEventId(body.event_id)) {
          throw new AppError("VALIDATION_FAILED", "event_id: is not a valid event id", {
            metadata: { field: "event_id" },
          });
        }
        const idempotencyKey = request.headers.get("idempotency-key") ?? undefined;
        if (idempotencyKey !== undefined && !UUID.test(idempotencyKey)) {
          throw new AppError("INVALID_IDEMPOTENCY_KEY", "Idempotency-Key must be a UUID");
        }
        if (!(await deps.events.exists(body.event_id))) {
          throw new AppError("EVENT_NOT_FOUND", `No event ${body.event_id}`);
        }
        const joined = await room.join(body.event_id, { userId: user?.id, idempotencyKey });
        set.status = 202;
        return {
          waiting_token: joined.token,
          position_hint: joined.position,
          eta_sec: joined.etaSec,
          status: joined.status,
        };
      },
      {
        body: JoinBody,
        optionalAuth: true,
        rateLimit: true,
        detail: { summary: "Join an event's waiting room (JWT optional)", tags: ["queue"] },
      },
    )
    .get(
      "/status",
      async ({ query }) => {
        const s = await room.status(query.token);
        return {
          status: s.status,
          position: s.position,
          eta_sec: s.etaSec,
          waiting_time: s.waitingTimeSec,
          ready_for_entry: s.status === "ready",
        };
      },
      {
        query: TokenQuery,
        rateLimit: true,
        detail: { summary: "Where a waiter stands (also a heartbeat)", tags: ["queue"] },
      },
    )
    .post(
      "/enter",
      async ({ body, user }) => {
        const granted = await room.enter(body.waiting_token, user.id);
        return { admission: "granted", reservation_token: granted.reservationToken, ttl_sec: granted.ttlSec };
      },
      {
        body: EnterBody,
        auth: "required",
        rateLimit: true,
        detail: { summary: "Exchange an admitted place for a reservation token", tags: ["queue"] },
      },
    )
    .delete(
      "/leave",
      async ({ query }) => {
        await room.leave(query.token);
        return { status: "left" };
      },
      { query: TokenQuery, rateLimit: true, detail: { summary: "Give up a place in line", tags: ["queue"] } },
    )
    .ws("/ws", {
      query: TokenQuery,
      async open(ws) {
        // Elysia's type of the raw socket predates getBufferedAmount; Bun's own type has it.
        const raw = ws.raw as unknown as Bun.ServerWebSocket<unknown>;
        const send = (frame: QueueFrame) => {
          if (raw.getBufferedAmount() > maxBuffer) return false;
          return raw.send(JSON.stringify(frame)) !== 0;
        };
        try {
          const watcher = await live.watch(ws.data.query.token, {
            send,
            close: (code, reason) => raw.close(code, reason),
          });
          if (watcher) sockets.set(ws.raw, watcher);
        } catch (error) {
          const appError =
            error instanceof AppError ? error : new AppError("INTERNAL", "Could not follow the queue");
          send({ type: "error", code: appError.code, message: appError.message });
          raw.close(1008, appError.code);
        }
      },
      close(ws) {
        const watcher = sockets.get(ws.raw);
        if (watcher) live.unwatch(watcher);
      },
      message() {
        // Clients never need to send anything; a message is treated as a keep-alive.
      },
    });
}
