import { AppError, newJti, type ReservationGrant, randomString, signReservationToken } from "@tt/kit";
import type Redis from "ioredis";
import { decisionFromReply, type RateDecision, type RateScope } from "../ratelimit/decision.ts";
import { rateLimitKeys } from "../ratelimit/keys.ts";
import { Batcher } from "./batcher.ts";
import { ChallengeNeeded, challengeSpent } from "./join-challenge.ts";
import { ACTIVE_EVENTS_KEY, clientPlacesKey, currentPassKey, queueKeys } from "./keys.ts";
import {
  type Caller,
  placeLost,
  placeOf,
  QueueRateLimited,
  type QueueSettings,
  type QueueStatus,
  STATUS,
  tokenEvent,
  translated,
  type WaitingRoomOptions,
} from "./room-model.ts";
import {
  type SaleWindow,
  type Stock,
  saleClosed,
  saleFromReply,
  saleLetter,
  saleOf,
  soldOut,
} from "./sale.ts";
import {
  CHALLENGE_NEEDED,
  CHALLENGE_SPENT,
  EnterResult,
  type LimitReply,
  PLACES_FULL,
  type QueueCommands,
  splitLimited,
  withQueueScripts,
} from "./scripts.ts";
import type { DurableQueueSettings } from "./settings-store.ts";
import { newWaitingToken } from "./tokens.ts";

/** A limited caller's rate-limit buckets and its address's places (see `bucketsOf`); undefined: not limited. */
type Buckets = { ip: string; user: string; places: string } | undefined;
/** One join waiting for its batch. */
type JoinCall = {
  token: string;
  userId: string;
  idempotencyKey: string;
  /** "nonce:difficulty:expires_ms" of a checked challenge (join-challenge.ts), "" for none. */
  challenge: string;
  buckets: Buckets;
  window: SaleWindow | undefined;
};
/** One status call waiting for its batch. */
type StatusCall = { token: string; buckets: Buckets; withLastMove: boolean };

export { type Caller, QueueRateLimited, type QueueSettings, type QueueStatus, type WaitingRoomOptions };

/**
 * How often a process that takes joins for an event adds it to the set of live events again:
 * that set may be lost on its own (another cluster shard) while the line survives.
 */
const REGISTER_EVERY_MS = 10_000;
/** How long the operator's settings written back into Redis live at least (their durable copy outlives them). */
const SETTINGS_TTL_MS = 86_400_000;

/**
 * The waiting room over Redis: every operation is one round trip. Joins, and status calls, of
 * one event made in the same event-loop turn share one script call (batcher.ts).
 */
export class WaitingRoom {
  private readonly redis: Redis & QueueCommands;
  private readonly now: () => number;
  /** When this process last added each event to the set of live events. */
  private readonly registeredAt = new Map<string, number>();
  /** This turn's joins and status calls, one script call per event (see batcher.ts). */
  private readonly joins = new Batcher<JoinCall, string>((eventId, calls) => this.joinBatch(eventId, calls));
  private readonly statuses = new Batcher<StatusCall, string>((eventId, calls) =>
    this.statusBatch(eventId, calls),
  );

  constructor(
    redis: Redis,
    private readonly opts: WaitingRoomOptions,
  ) {
    this.redis = translated(withQueueScripts(redis));
    this.now = opts.now ?? Date.now;
  }

  /**
   * A caller's rate-limit buckets under the event's tag (the IP's twice when anonymous), or
   * undefined when the call is not limited: limiting is off, or the caller has no identity.
   */
  private bucketsOf(eventId: string, caller: Caller | undefined): Buckets {
    if (!caller || !this.opts.rateLimit) return undefined;
    const tag = `tt:q:{${eventId}}`;
    const ip = rateLimitKeys.scoped(tag, `ip:${caller.ip}`, "queue");
    const user = caller.userId ? rateLimitKeys.scoped(tag, `u:${caller.userId}`, "queue") : ip;
    return { ip, user, places: clientPlacesKey(eventId, caller.ip) };
  }

  /** The bucket settings every limited script takes (0, 0: off). */
  private limitPolicy(): [number, number] {
    const limit = this.opts.rateLimit;
    return limit ? [limit.perSec, limit.burst] : [0, 0];
  }

  /** Reads the bucket verdict a limited script returned first; throws RATE_LIMITED when refused. */
  private verdict({ bucket, scope }: LimitReply): RateDecision | undefined {
    if (scope === "off") return undefined;
    const policy = {
      name: "queue",
      perSec: this.opts.rateLimit?.perSec ?? 1,
      burst: this.opts.rateLimit?.burst ?? 1,
    };
    const decision = decisionFromReply(bucket, policy, scope as RateScope);
    if (!decision.allowed) throw new QueueRateLimited(decision);
    return decision;
  }

  /**
   * Takes a place in line, or returns the place this idempotency key or user already has. With
   * the event's sale window, a join before its opening is a pre-queue join (unless the operator
   * set another opening) and one from its close on is SALE_CLOSED, both decided by the script
   * against this process's clock, so the boundary is exact.
   */
  async join(
    eventId: string,
    who: { userId?: string; idempotencyKey?: string; challenge?: string } = {},
    caller?: Caller,
    window?: SaleWindow,
  ) {
    const reply = await this.joins.add(eventId, {
      token: newWaitingToken(eventId),
      userId: who.userId ?? "",
      idempotencyKey: who.idempotencyKey ?? "",
      challenge: who.challenge ?? "",
      buckets: this.bucketsOf(eventId, caller && { ...caller, userId: who.userId }),
      window,
    });
    if (reply === "!closed") throw soldOut();
    if (reply === "!ended") throw saleClosed();
    const { limit, fields } = splitLimited(reply);
    const rateLimit = this.verdict(limit);
    if (fields[0] === CHALLENGE_NEEDED) throw new ChallengeNeeded(Number(fields[1]));
    if (fields[0] === CHALLENGE_SPENT) throw challengeSpent();
    if (fields[0] === PLACES_FULL) {
      throw new AppError(
        "QUEUE_CLIENT_LIMIT",
        "Too many places in this line are held from your address; sign in, or use one you have",
        { metadata: { max_places_per_client: String(this.opts.maxPlacesPerClient ?? 0) } },
      );
    }
    const [token = "", code = "W", position, isNew, rate = "", opensAt, sale, held] = fields;
    if (isNew === "1") this.opts.tally?.count(eventId, "joined");
    const status = STATUS[code as keyof typeof STATUS];
    const ratePerSec = rate === "" ? this.opts.defaultRate : Number(rate);
    const place = placeOf(status, Number(position), Number(opensAt), ratePerSec, this.now());
    return { token, status, isNew: isNew === "1", ...place, sale: saleFromReply(sale, held), rateLimit };
  }

  /**
   * One script call for a batch of one event's joins; one reply line per join. A batch that finds
   * the operator's settings missing (Redis lost them) puts them back first and runs again; if the
   * store cannot say, it joins anyway (a join lets nobody in; the ticker waits for the settings).
   */
  private async joinBatch(eventId: string, calls: JoinCall[]): Promise<string[]> {
    let lines = await this.runJoin(eventId, calls, this.opts.settingsStore !== undefined);
    if (lines[0] === "!settings") {
      await this.restoreSettings(eventId).catch((error: unknown) => {
        this.opts.log?.warn("queue settings could not be restored; joining without them", {
          event_id: eventId,
          err: error,
        });
      });
      lines = await this.runJoin(eventId, calls, false);
    }
    if (lines[0] === "!closed" || lines[0] === "!ended") return calls.map(() => lines[0] as string);
    const born = lines.at(-1) === "+born";
    if (born) lines.pop();
    const last = this.registeredAt.get(eventId);
    if (born || last === undefined || this.now() - last >= REGISTER_EVERY_MS) {
      // Rare: a new line, or now and then, so that tickers everywhere learn the event is live.
      this.registeredAt.set(eventId, this.now());
      await this.redis.sadd(ACTIVE_EVENTS_KEY, eventId);
    }
    if (born) this.opts.onLineBorn?.(eventId);
    return lines;
  }

  private async runJoin(eventId: string, calls: JoinCall[], gate: boolean): Promise<string[]> {
    const k = queueKeys(eventId);
    // One event's calls: the same window, as this process knows it.
    const window = calls.find((c) => c.window)?.window;
    const keys = [k.seq, k.wait, k.heartbeat, k.tokens, k.byIdemKey, k.byUser, k.config, k.spentChallenges];
    const args: (string | number)[] = [
      this.now(),
      this.opts.keysTtlSec ?? 86_400,
      ...this.limitPolicy(),
      gate ? 1 : 0,
      randomString(9, "base64url"),
      this.opts.maxPlacesPerClient ?? 0,
      this.opts.admittedTtlMs,
      window?.opensAt ?? 0,
      window?.closesAt ?? 0,
    ];
    for (const call of calls) {
      if (call.buckets) keys.push(call.buckets.ip, call.buckets.user, call.buckets.places);
      args.push(
        `${call.buckets ? 1 : 0}|${call.token}|${call.idempotencyKey}|${call.challenge}|${call.userId}`,
      );
    }
    return ((await this.redis.ttqJoin(keys.length, ...keys, ...args)) as string).split("\n");
  }

  /**
   * The waiter's status; counts as their heartbeat. `withLastMove` also looks up the move
   * stream's last id (a WebSocket's resume point); REST callers skip that read.
   */
  async status(token: string, caller?: Caller, opts: { withLastMove?: boolean } = {}): Promise<QueueStatus> {
    const eventId = tokenEvent(token);
    const now = this.now();
    const reply = await this.statuses.add(eventId, {
      token,
      buckets: this.bucketsOf(eventId, caller),
      withLastMove: opts.withLastMove === true,
    });
    const { limit, fields } = splitLimited(reply);
    const rateLimit = this.verdict(limit);
    const [
      code = "",
      position,
      seq,
      joinedMs,
      rate = "",
      served,
      lastMoveId = "",
      opensAt,
      line = "",
      sale,
      held,
    ] = fields;
    // A token the room does not know: its place went with Redis's data (or with the line's keys).
    if (code === "") throw placeLost();
    const ratePerSec = rate === "" ? this.opts.defaultRate : Number(rate);
    const status = STATUS[code as keyof typeof STATUS];
    const joined = Number(joinedMs);
    return {
      eventId,
      status,
      ...placeOf(status, Number(position), Number(opensAt), ratePerSec, now),
      waitingTimeSec: joined ? Math.max(0, Math.round((now - joined) / 1000)) : 0,
      seq: Number(seq),
      served: Number(served),
      ratePerSec,
      lastMoveId,
      line,
      sale: saleFromReply(sale, held),
      rateLimit,
    };
  }

  /** One script call for a batch of one event's status calls; one reply line per call. */
  private async statusBatch(eventId: string, calls: StatusCall[]): Promise<string[]> {
    const k = queueKeys(eventId);
    const keys = [k.tokens, k.wait, k.heartbeat, k.config, k.moves];
    const args: (string | number)[] = [this.now(), ...this.limitPolicy()];
    for (const call of calls) {
      if (call.buckets) keys.push(call.buckets.ip);
      args.push(call.token, call.buckets ? 1 : 0, call.withLastMove ? 1 : 0);
    }
    return ((await this.redis.ttqStatus(keys.length, ...keys, ...args)) as string).split("\n");
  }

  /**
   * Issues a reservation token to an admitted waiter, bound to `userId` and the event. The
   * reservation service verifies it and spends it, durably, with the reservation it creates.
   * It replaces the buyer's previous token for the event (one live token at a time, see
   * entry-passes.ts): a buyer who enters again is never locked out, and never holds two passes.
   */
  async enter(token: string, userId: string, caller?: Caller) {
    const eventId = tokenEvent(token);
    const k = queueKeys(eventId);
    const ttlSec = this.opts.reservationTokenTtlSec;
    const jti = newJti();
    const buckets = this.bucketsOf(eventId, caller && { ...caller, userId });
    // Unlimited, the script never touches its bucket keys; any key of the event will do.
    const [ipBucket, userBucket] = buckets ? [buckets.ip, buckets.user] : [k.tokens, k.tokens];
    const reply = (await this.redis.ttqEnter(
      k.tokens,
      k.admitted,
      ipBucket,
      userBucket,
      currentPassKey(eventId, userId),
      token,
      userId,
      this.now(),
      ...(buckets ? this.limitPolicy() : [0, 0]),
      jti,
      // A little past the token's own end: reservation refuses an expired token by itself.
      ttlSec * 1000 + 5000,
    )) as string;
    const { limit, fields } = splitLimited(reply);
    const rateLimit = this.verdict(limit);
    switch (Number(fields[0])) {
      case EnterResult.Ok:
        break;
      case EnterResult.StillWaiting:
        throw new AppError("NOT_READY", "You are still waiting in line");
      case EnterResult.OtherUser:
        throw new AppError("FORBIDDEN", "This place in line belongs to another user");
      case EnterResult.UnknownToken:
        throw placeLost();
      case EnterResult.NotAdmitted:
        throw new AppError("NOT_READY", "This place in line has expired or was given up; join again");
      default:
        throw new Error(`unexpected enter result ${fields[0]}`);
    }
    const grant: ReservationGrant = { eventId, userId, jti, exp: Math.floor(this.now() / 1000) + ttlSec };
    return {
      reservationToken: signReservationToken(grant, this.opts.reservationTokenSecret),
      ttlSec,
      rateLimit,
    };
  }

  /** Gives up a place (idempotent). */
  async leave(token: string): Promise<void> {
    const eventId = tokenEvent(token);
    const k = queueKeys(eventId);
    const left = await this.redis.ttqLeave(k.tokens, k.wait, k.heartbeat, k.admitted, k.moves, token);
    // 2: a place given up while waiting (an abandoned place); not a repeat, nor an admission.
    if (left === 2) this.opts.tally?.abandoned(eventId, "left");
  }

  /** Refreshes the heartbeat of waiters with a live WebSocket, in one call per event. */
  async heartbeat(eventId: string, tokens: string[]): Promise<void> {
    if (tokens.length === 0) return;
    const now = this.now();
    const args = tokens.flatMap((t) => [now, t]);
    await this.redis.zadd(queueKeys(eventId).heartbeat, "XX", ...args);
  }

  /**
   * Runs one admission tick for an event (the caller must hold its lease). `needsSettings`: the
   * line has waiters but Redis lost the operator's settings, so nobody was admitted; put them
   * back (`restoreSettings`) and tick again. `gone`: the line has expired or was lost (only
   * said with a durable settings store), see `forgetEvent`. `stock`: a new reading of the
   * event's seats, which sets the line's sale state (sale.ts); without one the line keeps its last.
   * `rate`: the self-tuned rate (governor.ts) instead of the configured one. `window`: the event's
   * sale window, which opens admission and ends the sale (sale.ts); without one the line keeps the
   * last it was told.
   */
  async admitTick(
    eventId: string,
    tick: { stock?: Stock | undefined; rate?: number | undefined; window?: SaleWindow | undefined } = {},
    windowMs = 30_000,
    maxPerTick = 5000,
  ) {
    const { stock } = tick;
    const k = queueKeys(eventId);
    const [admitted, dropped, waiting, obsRate, note, waits] = (await this.redis.ttqAdmit(
      k.config,
      k.wait,
      k.heartbeat,
      k.tokens,
      k.admitted,
      k.window,
      k.moves,
      this.now(),
      this.opts.heartbeatTimeoutMs,
      this.opts.admittedTtlMs,
      windowMs,
      maxPerTick,
      this.opts.defaultRate,
      this.opts.defaultCap,
      this.opts.settingsStore ? 1 : 0,
      stock ? saleLetter(saleOf(stock).state) : "",
      stock?.held ?? 0,
      stock?.available ?? 0,
      tick.rate ?? "",
      tick.window?.opensAt ?? 0,
      tick.window?.closesAt ?? 0,
    )) as [number, number, number, string, string, number[]];
    return {
      admitted,
      dropped,
      /** Time in line (ms) of each buyer this tick admitted. */
      waits: waits ?? [],
      waiting,
      ratePerSec: Number(obsRate),
      needsSettings: note === "settings",
      gone: note === "gone",
    };
  }

  /** Takes or renews the ticker lease of an event; true when `owner` holds it. */
  async tryLease(eventId: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.ttqLease(queueKeys(eventId).lease, owner, ttlMs)) === 1;
  }

  /** Events with a live waiting room. */
  activeEvents(): Promise<string[]> {
    return this.redis.smembers(ACTIVE_EVENTS_KEY);
  }

  /** Adds events to the set of live ones (the ticker's, for lines that outlived the set). */
  async registerEvents(eventIds: string[]): Promise<void> {
    if (eventIds.length > 0) await this.redis.sadd(ACTIVE_EVENTS_KEY, ...eventIds);
  }

  /**
   * Takes an event whose line is gone off the set of live events, so tickers stop ticking it. A
   * join that starts a new line meanwhile adds it again: checked after the removal, so one that
   * came just before is not lost.
   */
  async forgetEvent(eventId: string): Promise<void> {
    await this.redis.srem(ACTIVE_EVENTS_KEY, eventId);
    if ((await this.lineOf(eventId)) !== null) await this.redis.sadd(ACTIVE_EVENTS_KEY, eventId);
  }

  /** The id of the event's current line, or null when it has none (never joined, expired or lost). */
  lineOf(eventId: string): Promise<string | null> {
    return this.redis.hget(queueKeys(eventId).tokens, "~line");
  }

  /** Current admission settings of an event (put back from the durable store first if Redis lost them). */
  async settings(eventId: string): Promise<QueueSettings> {
    const { settings, known } = await this.readSettings(eventId);
    if (known || !this.opts.settingsStore) return settings;
    await this.restoreSettings(eventId);
    return (await this.readSettings(eventId)).settings;
  }

  private async readSettings(eventId: string): Promise<{ settings: QueueSettings; known: boolean }> {
    const [rate, cap, paused, opensAt, version, autoMin, autoMax, pow] = await this.redis.hmget(
      queueKeys(eventId).config,
      "rate",
      "cap",
      "paused",
      "opens_at",
      "sv",
      "auto_min",
      "auto_max",
      "pow",
    );
    return {
      settings: {
        rate: rate === null ? this.opts.defaultRate : Number(rate),
        cap: cap === null ? this.opts.defaultCap : Number(cap),
        paused: paused === "1",
        opensAt: opensAt === null || opensAt === "0" ? null : Number(opensAt),
        auto: autoMin === null || autoMax === null ? null : { min: Number(autoMin), max: Number(autoMax) },
        challengeDifficulty: Number(pow ?? 0),
      },
      known: version !== null,
    };
  }

  /**
   * Changes admission settings live; the next tick uses them. With a durable store, the change is
   * written there first, then into Redis (so a failure in between leaves Redis behind, never
   * ahead: the ticker's periodic re-read, or the operator's retry, catches it up).
   */
  async updateSettings(eventId: string, change: Partial<QueueSettings>): Promise<QueueSettings> {
    const store = this.opts.settingsStore;
    if (store) {
      await this.applySettings(eventId, await store.update(eventId, change));
      return (await this.readSettings(eventId)).settings;
    }
    const fields: Record<string, string> = {};
    if (change.rate !== undefined) fields.rate = String(change.rate);
    if (change.cap !== undefined) fields.cap = String(change.cap);
    if (change.challengeDifficulty !== undefined) fields.pow = String(change.challengeDifficulty);
    if (change.paused !== undefined) fields.paused = change.paused ? "1" : "0";
    if (change.opensAt !== undefined) fields.opens_at = String(change.opensAt ?? 0);
    if (change.auto)
      Object.assign(fields, { auto_min: String(change.auto.min), auto_max: String(change.auto.max) });
    if (change.auto === null) await this.redis.hdel(queueKeys(eventId).config, "auto_min", "auto_max");
    if (Object.keys(fields).length > 0) await this.redis.hset(queueKeys(eventId).config, fields);
    return this.settings(eventId);
  }

  /**
   * Writes the operator's durable settings into Redis, unless Redis has the same or a newer
   * version; true when written. Without a durable store there is nothing to restore.
   */
  async restoreSettings(eventId: string): Promise<boolean> {
    const store = this.opts.settingsStore;
    if (!store) return false;
    return this.applySettings(eventId, await store.get(eventId));
  }

  private async applySettings(eventId: string, s: DurableQueueSettings): Promise<boolean> {
    const written = await this.redis.ttqSettings(
      queueKeys(eventId).config,
      s.version,
      Math.max(SETTINGS_TTL_MS, (this.opts.keysTtlSec ?? 0) * 1000),
      s.rate ?? "",
      s.cap ?? "",
      s.paused ? 1 : 0,
      s.opensAt ?? 0,
      s.auto?.min ?? "",
      s.auto?.max ?? "",
      s.challengeDifficulty ?? 0,
    );
    return written === 1;
  }

  /** What self-tuning reads of an event once a period (governor.ts), in one round trip. */
  async tuning(eventId: string) {
    const [rate, autoMin, autoMax, autoRate] = await this.redis.hmget(
      queueKeys(eventId).config,
      "rate",
      "auto_min",
      "auto_max",
      "auto_rate",
    );
    return {
      rate: rate === null ? this.opts.defaultRate : Number(rate),
      auto: autoMin === null || autoMax === null ? null : { min: Number(autoMin), max: Number(autoMax) },
      lastRate: autoRate === null ? null : Number(autoRate),
    };
  }

  /** Counts for operators: waiting, admitted-and-unfinished, observed rate, the self-tuned rate, the sale. */
  async stats(eventId: string) {
    const k = queueKeys(eventId);
    const [waiting, admitted, cfg] = await Promise.all([
      this.redis.zcard(k.wait),
      this.redis.zcard(k.admitted),
      this.redis.hmget(k.config, "obs_rate", "served", "auto_rate", "sale", "sale_held"),
    ]);
    return {
      waiting,
      admitted,
      ratePerSec: Number(cfg[0] ?? 0),
      served: Number(cfg[1] ?? 0),
      autoRate: cfg[2] === null ? null : Number(cfg[2]),
      sale: saleFromReply(cfg[3] ?? undefined, cfg[4] ?? undefined),
    };
  }
}
