import { AppError, isEventId } from "@tt/kit";
import {
  EnterAnswer,
  errorAnswers,
  JoinAnswer,
  JoinChallengeOffer,
  LeaveAnswer,
  QueueStatusAnswer,
} from "@tt/kit/api";
import { Elysia, t } from "elysia";
import { type Caller, QueueRateLimited, type WaitingRoom } from "../adapters/queue/waiting-room.redis.ts";
import type { EventDirectory } from "../adapters/upstream/event-directory.connect.ts";
import { ChallengeNeeded, type JoinChallenges } from "../domain/queue/join-challenge.ts";
import { saleFields } from "../domain/queue/sale.ts";
import { type RateDecision, rateLimitHeaders } from "../domain/ratelimit/decision.ts";
import type { Guards } from "./guards.ts";
import { type LiveSocketDeps, liveQueueSocket } from "./live-queue-socket.ts";

/** What the queue routes need from the rest of the gateway (the live-queue socket's too). */
export interface QueueRouteDeps extends LiveSocketDeps {
  room: WaitingRoom;
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
  /** ratelimit_dropped_total, shared with the guard. */
  dropped: { inc(labels: { scope: string }): void };
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
 * The waiting-room routes (docs/spec.md, "REST API") and, through live-queue-socket.ts, the
 * live-queue WebSocket.
 */
export function queueRoutes(deps: QueueRouteDeps) {
  const { room } = deps;
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
    .use(liveQueueSocket(deps))
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
    );
}
