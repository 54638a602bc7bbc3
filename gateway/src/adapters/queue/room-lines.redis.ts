import type Redis from "ioredis";
import type { AdmissionTick, TickResult, WaitingRoomOptions } from "../../domain/queue/room-model.ts";
import { saleFromReply, saleLetter, saleOf } from "../../domain/queue/sale.ts";
import { ACTIVE_EVENTS_KEY, queueKeys } from "./keys.ts";
import type { QueueCommands } from "./scripts.ts";

/**
 * How often a process that takes joins for an event adds it to the set of live events again:
 * that set may be lost on its own (another cluster shard) while the line survives.
 */
const REGISTER_EVERY_MS = 10_000;

/**
 * The ticker's side of the waiting room in Redis: admission ticks, the per-event lease, the set of
 * live events and the counts operators read.
 */
export class RoomLines {
  /** When this process last added each event to the set of live events. */
  private readonly registeredAt = new Map<string, number>();

  constructor(
    private readonly redis: Redis & QueueCommands,
    private readonly opts: WaitingRoomOptions,
    private readonly now: () => number,
  ) {}

  /**
   * After a join batch: adds the event to the set of live events when its line was just born,
   * and now and then otherwise, so that tickers everywhere learn the event is live.
   */
  async keepLive(eventId: string, born: boolean): Promise<void> {
    const last = this.registeredAt.get(eventId);
    if (born || last === undefined || this.now() - last >= REGISTER_EVERY_MS) {
      this.registeredAt.set(eventId, this.now());
      await this.redis.sadd(ACTIVE_EVENTS_KEY, eventId);
    }
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
    tick: AdmissionTick = {},
    windowMs = 30_000,
    maxPerTick = 5000,
  ): Promise<TickResult> {
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
