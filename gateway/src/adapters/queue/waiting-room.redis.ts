import { Batcher, randomString } from "@tt/kit";
import type Redis from "ioredis";
import { PassSigner } from "../../domain/queue/pass-signer.ts";
import {
  type Caller,
  QueueRateLimited,
  type QueueSettings,
  type QueueStatus,
  tokenEvent,
  type WaitingRoomOptions,
} from "../../domain/queue/room-model.ts";
import {
  enterRefusal,
  joinAnswer,
  joinRefusal,
  limitVerdict,
  lineRefusal,
  statusAnswer,
} from "../../domain/queue/room-rules.ts";
import type { SaleWindow } from "../../domain/queue/sale.ts";
import { splitLimited } from "../../domain/queue/script-replies.ts";
import { newWaitingToken } from "../../domain/queue/tokens.ts";
import { type Buckets, bucketsOf, limitPolicy } from "./caller-buckets.ts";
import { currentPassKey, queueKeys } from "./keys.ts";
import { RoomLines } from "./room-lines.redis.ts";
import { RoomSettings } from "./room-settings.redis.ts";
import { type QueueCommands, translated, withQueueScripts } from "./scripts.ts";

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
 * The waiting room over Redis: every operation is one round trip. Joins, and status calls, of
 * one event made in the same event-loop turn share one script call (the kit's Batcher). This is its
 * adapter (keys, script calls, batching); what the scripts' answers mean is room-rules.ts, the
 * operator's settings room-settings.redis.ts, the ticker's side of a line room-lines.redis.ts
 * and the reservation tokens pass-signer.ts.
 */
export class WaitingRoom {
  private readonly redis: Redis & QueueCommands;
  private readonly now: () => number;
  private readonly passes: PassSigner;
  private readonly config: RoomSettings;
  private readonly lines: RoomLines;
  /** This turn's joins and status calls, one script call per event (see kit/src/batcher.ts). */
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
    this.passes = new PassSigner(opts.reservationTokenSecret, opts.reservationTokenTtlSec, this.now);
    this.config = new RoomSettings(this.redis, opts);
    this.lines = new RoomLines(this.redis, opts, this.now);
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
      buckets: bucketsOf(eventId, caller && { ...caller, userId: who.userId }, this.opts.rateLimit),
      window,
    });
    const closed = lineRefusal(reply);
    if (closed) throw closed;
    const { limit, fields } = splitLimited(reply);
    const rateLimit = limitVerdict(limit, this.opts);
    const refused = joinRefusal(fields, this.opts);
    if (refused) throw refused;
    const answer = joinAnswer(fields, this.opts, this.now());
    if (answer.isNew) this.opts.tally?.count(eventId, "joined");
    return { ...answer, rateLimit };
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
    await this.lines.keepLive(eventId, born);
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
      ...limitPolicy(this.opts.rateLimit),
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
      buckets: bucketsOf(eventId, caller, this.opts.rateLimit),
      withLastMove: opts.withLastMove === true,
    });
    const { limit, fields } = splitLimited(reply);
    const rateLimit = limitVerdict(limit, this.opts);
    return { ...statusAnswer(eventId, fields, this.opts, now), rateLimit };
  }

  /** One script call for a batch of one event's status calls; one reply line per call. */
  private async statusBatch(eventId: string, calls: StatusCall[]): Promise<string[]> {
    const k = queueKeys(eventId);
    const keys = [k.tokens, k.wait, k.heartbeat, k.config, k.moves];
    const args: (string | number)[] = [this.now(), ...limitPolicy(this.opts.rateLimit)];
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
   * entry-passes.redis.ts): a buyer who enters again is never locked out, and never holds two passes.
   */
  async enter(token: string, userId: string, caller?: Caller) {
    const eventId = tokenEvent(token);
    const k = queueKeys(eventId);
    const jti = this.passes.newId();
    const buckets = bucketsOf(eventId, caller && { ...caller, userId }, this.opts.rateLimit);
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
      ...(buckets ? limitPolicy(this.opts.rateLimit) : [0, 0]),
      jti,
      this.passes.recordTtlMs,
    )) as string;
    const { limit, fields } = splitLimited(reply);
    const rateLimit = limitVerdict(limit, this.opts);
    const refused = enterRefusal(Number(fields[0]));
    if (refused) throw refused;
    return {
      reservationToken: this.passes.sign(eventId, userId, jti),
      ttlSec: this.passes.ttlSec,
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

  // The ticker's and the operator's side, kept in their own adapters; the room is what callers hold.

  /** Runs one admission tick for an event (see RoomLines.admitTick). */
  admitTick(...args: Parameters<RoomLines["admitTick"]>) {
    return this.lines.admitTick(...args);
  }

  /** Takes or renews the ticker lease of an event; true when `owner` holds it. */
  tryLease(eventId: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.lines.tryLease(eventId, owner, ttlMs);
  }

  /** Events with a live waiting room. */
  activeEvents(): Promise<string[]> {
    return this.lines.activeEvents();
  }

  /** Adds events to the set of live ones (the ticker's, for lines that outlived the set). */
  registerEvents(eventIds: string[]): Promise<void> {
    return this.lines.registerEvents(eventIds);
  }

  /** Takes an event whose line is gone off the set of live events (see RoomLines.forgetEvent). */
  forgetEvent(eventId: string): Promise<void> {
    return this.lines.forgetEvent(eventId);
  }

  /** The id of the event's current line, or null when it has none (never joined, expired or lost). */
  lineOf(eventId: string): Promise<string | null> {
    return this.lines.lineOf(eventId);
  }

  /** Counts for operators: waiting, admitted-and-unfinished, observed rate, the self-tuned rate, the sale. */
  stats(eventId: string) {
    return this.lines.stats(eventId);
  }

  /** Current admission settings of an event (put back from the durable store first if Redis lost them). */
  settings(eventId: string): Promise<QueueSettings> {
    return this.config.settings(eventId);
  }

  /** Changes admission settings live; the next tick uses them (see RoomSettings.update). */
  updateSettings(eventId: string, change: Partial<QueueSettings>): Promise<QueueSettings> {
    return this.config.update(eventId, change);
  }

  /** Writes the operator's durable settings into Redis unless it has them; true when written. */
  restoreSettings(eventId: string): Promise<boolean> {
    return this.config.restore(eventId);
  }

  /** What self-tuning reads of an event once a period (governor.ts), in one round trip. */
  tuning(eventId: string) {
    return this.config.tuning(eventId);
  }
}
