import { AppError } from "@tt/kit";
import {
  EnterAnswer,
  errorAnswers,
  JoinAnswer,
  JoinChallengeOffer,
  LeaveAnswer,
  QueueStatusAnswer,
} from "@tt/kit/api";
import { Elysia, t } from "elysia";
import type { Guards } from "../guards.ts";
import { ChallengeNeeded, type JoinChallenges } from "../queue/join-challenge.ts";
import { encodeFrame, type FrameSink, type LiveQueue, type Watcher } from "../queue/live-queue.ts";
import type { PurchaseWatch } from "../queue/purchase-watch.ts";
import { saleFields } from "../queue/sale.ts";
import { isEventId } from "../queue/tokens.ts";
import { type Caller, QueueRateLimited, type WaitingRoom } from "../queue/waiting-room.ts";
import { type RateDecision, rateLimitHeaders } from "../ratelimit/decision.ts";
import type { EventDirectory } from "../upstream/event-directory.ts";

/** What the queue routes need from the rest of the gateway. */
export interface QueueRouteDeps {
  room: WaitingRoom;
  live: LiveQueue;
  purchases: PurchaseWatch;
  events: EventDirectory;
  /** Join challenges of events that ask for one (docs/spec.md, "Bot protection"). */
  challenges: JoinChallenges;
  /** The gateway's route-option guards (auth, rate limits). */
  guards: Guards;
  /**
   * The caller's rate-limit identity. Join, status and enter limit inside their own queue
   * script (one Redis round trip), so they do not use the `rateLimit` guard.
   */
  callerOf(request: Request): Caller | undefined;
  /**
   * The general rate limit, taken before asking inventory whether an event the gateway has not
   * seen lately exists (a flood of made-up event ids is refused before it reaches inventory).
   */
  limitLookup?(request: Request, headers: Record<string, unknown>): Promise<void>;
  /** The live queue's upgrade limit per client address (WS_UPGRADE_RATE_PER_SEC); throws RATE_LIMITED. */
  limitUpgrade?(request: Request): Promise<void>;
  /** ratelimit_dropped_total, shared with the guard. */
  dropped: { inc(labels: { scope: string }): void };
  /** Origins besides the gateway's own whose pages may open the live queue (WS_ALLOWED_ORIGINS). */
  allowedOrigins?: readonly string[];
  /** Live sockets at once per waiting token and per client address (0: no cap; per client only when rate limiting knows the address). */
  maxSocketsPerToken?: number;
  maxSocketsPerClient?: number;
  /** Sockets buffering more than this many bytes are dropped (backpressure). */
  maxSocketBufferBytes?: number;
}

/** A client's request to have its hold's outcome pushed. */
interface WatchMessage {
  type?: string;
  reservation_id?: unknown;
  watch_token?: unknown;
}

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** The most a client may send in one WebSocket message: a watch is ~200 bytes. */
const MAX_CLIENT_FRAME_BYTES = 4096;

/**
 * A browser always says where a socket's page comes from; a page of another site must not follow
 * a buyer's place with the buyer's cookies or token (cross-site WebSocket hijacking). The
 * gateway's own origin (as the request reached it, through a proxy too) and the configured ones
 * are allowed; a client with no Origin is not a browser page, and proves itself by its token.
 */
export function originAllowed(request: Request, allowed: readonly string[]): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return true;
  if (allowed.includes(origin) || allowed.includes("*")) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const own = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  return host === own;
}

/** Counts by key, forgetting a key at zero (bounded by what is open). */
class Counts {
  private readonly m = new Map<string, number>();
  of(key: string): number {
    return this.m.get(key) ?? 0;
  }
  add(key: string): void {
    this.m.set(key, this.of(key) + 1);
  }
  remove(key: string): void {
    const n = this.of(key) - 1;
    if (n > 0) this.m.set(key, n);
    else this.m.delete(key);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const JoinBody = t.Object({
  event_id: t.String({ minLength: 1, maxLength: 64, description: "Event to queue for" }),
  user_id: t.Optional(t.String({ maxLength: 128, description: "Ignored: identity comes from the JWT" })),
  challenge: t.Optional(
    t.String({ maxLength: 200, description: "A challenge from GET /queue/challenge or a 428" }),
  ),
  solution: t.Optional(t.String({ maxLength: 16, description: "Its solution (base-36), see docs/spec.md" })),
});
const EventQuery = t.Object({ event_id: t.String({ minLength: 1, maxLength: 64 }) });
const TokenQuery = t.Object({ token: t.String({ minLength: 1, maxLength: 200 }) });
const EnterBody = t.Object({ waiting_token: t.String({ minLength: 1, maxLength: 200 }) });

/**
 * The waiting-room routes and the live-queue WebSocket (docs/spec.md, "REST API" and
 * "Live queue (WebSocket)").
 */
export function queueRoutes(deps: QueueRouteDeps) {
  const { room, live, purchases } = deps;
  const sinks = new WeakMap<object, FrameSink>();
  const maxBuffer = deps.maxSocketBufferBytes ?? 64 * 1024;
  const sockets = new WeakMap<object, Watcher>();
  // Sockets open per waiting token and per client address, and what each socket counted under.
  const perToken = new Counts();
  const perClient = new Counts();
  const countedAs = new WeakMap<object, { token: string; client: string | undefined }>();
  const closed = new WeakSet<object>();
  const capsReached = (token: string, client: string | undefined) =>
    ((deps.maxSocketsPerToken ?? 0) > 0 && perToken.of(token) >= (deps.maxSocketsPerToken ?? 0)) ||
    (client !== undefined &&
      (deps.maxSocketsPerClient ?? 0) > 0 &&
      perClient.of(client) >= (deps.maxSocketsPerClient ?? 0));

  // Elysia runs a socket route's beforeHandle twice (as the route's hook, then before the
  // upgrade), with the same Request: one token per upgrade, not two.
  const upgradesLimited = new WeakMap<Request, Promise<void>>();
  const limitUpgradeOnce = (request: Request): Promise<void> => {
    let limited = upgradesLimited.get(request);
    if (!limited) {
      limited = deps.limitUpgrade?.(request) ?? Promise.resolve();
      upgradesLimited.set(request, limited);
    }
    return limited;
  };

  /** Runs a limited queue call, putting its bucket verdict into the X-RateLimit-* headers either way. */
  const limited = async <T extends { rateLimit?: RateDecision | undefined }>(
    headers: Record<string, unknown>,
    call: () => Promise<T>,
  ): Promise<T> => {
    try {
      const result = await call();
      if (result.rateLimit) Object.assign(headers, rateLimitHeaders(result.rateLimit));
      return result;
    } catch (error) {
      if (error instanceof QueueRateLimited) {
        Object.assign(headers, rateLimitHeaders(error.decision));
        deps.dropped.inc({ scope: error.decision.scope });
      }
      throw error;
    }
  };

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
        const limitLookup = deps.limitLookup;
        const beforeLookup = limitLookup && (() => limitLookup(request, set.headers));
        if (!(await deps.events.exists(body.event_id, beforeLookup))) {
          throw new AppError("EVENT_NOT_FOUND", `No event ${body.event_id}`);
        }
        // Checked here (MAC, event, expiry, one SHA-256: microseconds); whether the event asks for
        // one, and at what difficulty, the join script decides, and spends it there.
        const challenge =
          body.challenge === undefined && body.solution === undefined
            ? undefined
            : deps.challenges.check(body.event_id, body.challenge ?? "", body.solution ?? "");
        const caller = deps.callerOf(request);
        // Known by now (the lookup above): the line pre-queues before it and closes after it.
        const window = deps.events.saleWindow?.(body.event_id);
        const joined = await limited(set.headers, () =>
          room.join(body.event_id, { userId: user?.id, idempotencyKey, challenge }, caller, window),
        ).catch((error: unknown) => {
          throw error instanceof ChallengeNeeded
            ? deps.challenges.required(body.event_id, error.difficulty)
            : error;
        });
        set.status = 202;
        return {
          waiting_token: joined.token,
          position_hint: joined.position,
          eta_sec: joined.etaSec,
          status: joined.status,
          ...saleFields(joined.sale),
        };
      },
      {
        body: JoinBody,
        optionalAuth: true,
        response: { 202: JoinAnswer, ...errorAnswers },
        detail: { summary: "Join an event's waiting room (JWT optional)", tags: ["queue"] },
      },
    )
    .get(
      "/challenge",
      async ({ query, request, set }) => {
        const limitLookup = deps.limitLookup;
        const beforeLookup = limitLookup && (() => limitLookup(request, set.headers));
        if (!isEventId(query.event_id) || !(await deps.events.exists(query.event_id, beforeLookup))) {
          throw new AppError("EVENT_NOT_FOUND", `No event ${query.event_id}`);
        }
        const { challengeDifficulty } = await room.settings(query.event_id);
        if (challengeDifficulty === 0) return { challenge: null, difficulty: 0, expires_at: null };
        return deps.challenges.offer(query.event_id, challengeDifficulty);
      },
      {
        query: EventQuery,
        rateLimit: true,
        response: { 200: JoinChallengeOffer, ...errorAnswers },
        detail: {
          summary: "A proof-of-work challenge for joining the event (if it asks for one)",
          tags: ["queue"],
        },
      },
    )
    .get(
      "/status",
      async ({ query, request, set }) => {
        const s = await limited(set.headers, () => room.status(query.token, deps.callerOf(request)));
        return {
          status: s.status,
          position: s.position,
          eta_sec: s.etaSec,
          waiting_time: s.waitingTimeSec,
          ready_for_entry: s.status === "ready",
          ...saleFields(s.sale),
        };
      },
      {
        query: TokenQuery,
        response: { 200: QueueStatusAnswer, ...errorAnswers },
        detail: { summary: "Where a waiter stands (also a heartbeat)", tags: ["queue"] },
      },
    )
    .post(
      "/enter",
      async ({ body, request, set, user }) => {
        const caller = deps.callerOf(request);
        const granted = await limited(set.headers, () => room.enter(body.waiting_token, user.id, caller));
        return {
          admission: "granted" as const,
          reservation_token: granted.reservationToken,
          ttl_sec: granted.ttlSec,
        };
      },
      {
        body: EnterBody,
        auth: "required",
        response: { 200: EnterAnswer, ...errorAnswers },
        detail: { summary: "Exchange an admitted place for a reservation token", tags: ["queue"] },
      },
    )
    .delete(
      "/leave",
      async ({ query }) => {
        await room.leave(query.token);
        return { status: "left" as const };
      },
      {
        query: TokenQuery,
        rateLimit: true,
        response: { 200: LeaveAnswer, ...errorAnswers },
        detail: { summary: "Give up a place in line", tags: ["queue"] },
      },
    )
    .ws("/ws", {
      query: TokenQuery,
      maxPayloadLength: MAX_CLIENT_FRAME_BYTES,
      async beforeHandle({ request, query }) {
        if (!originAllowed(request, deps.allowedOrigins ?? [])) {
          throw new AppError("FORBIDDEN", "Pages of this origin may not open the live queue");
        }
        if (capsReached(query.token, deps.callerOf(request)?.ip)) {
          throw new AppError("RATE_LIMITED", "Too many live-queue sockets open for this place", {
            retryAfterSec: 5,
          });
        }
        // Last, as it costs a Redis round trip: an upgrade is a socket and a watch to set up.
        await limitUpgradeOnce(request);
      },
      async open(ws) {
        const token = ws.data.query.token;
        const client = deps.callerOf(ws.data.request)?.ip;
        perToken.add(token);
        if (client !== undefined) perClient.add(client);
        countedAs.set(ws.raw, { token, client });
        // Elysia's type of the raw socket predates getBufferedAmount; Bun's own type has it.
        const raw = ws.raw as unknown as Bun.ServerWebSocket<unknown>;
        // send() answers -1 when the message was queued behind backpressure and 0 when dropped;
        // only then is the buffer worth a look (one native call per frame saved).
        const send = (json: string) => {
          const sent = raw.send(json);
          return sent > 0 || (sent === -1 && raw.getBufferedAmount() <= maxBuffer);
        };
        const sink: FrameSink = { send, close: (code, reason) => raw.close(code, reason) };
        sinks.set(ws.raw, sink);
        try {
          const watcher = await live.watch(ws.data.query.token, sink);
          // The socket may have closed while the watch was being set up: let nothing outlive it.
          if (watcher && closed.has(ws.raw)) live.unwatch(watcher);
          else if (watcher) sockets.set(ws.raw, watcher);
        } catch (error) {
          const appError =
            error instanceof AppError ? error : new AppError("INTERNAL", "Could not follow the queue");
          send(encodeFrame({ type: "error", code: appError.code, message: appError.message }));
          raw.close(1008, appError.code);
        }
      },
      close(ws) {
        closed.add(ws.raw);
        const counted = countedAs.get(ws.raw);
        if (counted) {
          perToken.remove(counted.token);
          if (counted.client !== undefined) perClient.remove(counted.client);
        }
        const watcher = sockets.get(ws.raw);
        if (watcher) live.unwatch(watcher);
        const sink = sinks.get(ws.raw);
        if (sink) purchases.forget(sink);
      },
      async message(ws, message) {
        // The only message a client sends is a watch of its hold's outcome (purchase-watch.ts);
        // anything else is a keep-alive.
        const sink = sinks.get(ws.raw);
        const m = (typeof message === "string" ? safeJson(message) : message) as WatchMessage | undefined;
        if (!sink || m?.type !== "watch") return;
        const ok = await purchases
          .watch(String(m.reservation_id ?? ""), String(m.watch_token ?? ""), sink)
          .catch(() => false);
        if (!ok) {
          sink.send(
            encodeFrame({
              type: "error",
              code: "FORBIDDEN",
              message: "Not a watch token for this reservation",
            }),
          );
        }
      },
    });
}
