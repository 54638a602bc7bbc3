import type Redis from "ioredis";
import type { QueueSettings, WaitingRoomOptions } from "../../domain/queue/room-model.ts";
import { autoBounds, SETTINGS_FIELDS, settingsChange, settingsFrom } from "../../domain/queue/room-rules.ts";
import type { DurableQueueSettings } from "../../domain/queue/settings-store.ts";
import { queueKeys } from "./keys.ts";
import type { QueueCommands } from "./scripts.ts";

/** How long the operator's settings written back into Redis live at least (their durable copy outlives them). */
const SETTINGS_TTL_MS = 86_400_000;

/**
 * An event's admission settings in its line's settings hash, the copy every gateway's scripts
 * read; with a durable store (inventory), the copy that is put back when Redis loses it.
 */
export class RoomSettings {
  constructor(
    private readonly redis: Redis & QueueCommands,
    private readonly opts: WaitingRoomOptions,
  ) {}

  /** Current admission settings of an event (put back from the durable store first if Redis lost them). */
  async settings(eventId: string): Promise<QueueSettings> {
    const { settings, known } = await this.read(eventId);
    if (known || !this.opts.settingsStore) return settings;
    await this.restore(eventId);
    return (await this.read(eventId)).settings;
  }

  private async read(eventId: string) {
    return settingsFrom(await this.redis.hmget(queueKeys(eventId).config, ...SETTINGS_FIELDS), this.opts);
  }

  /**
   * Changes admission settings live; the next tick uses them. With a durable store, the change is
   * written there first, then into Redis (so a failure in between leaves Redis behind, never
   * ahead: the ticker's periodic re-read, or the operator's retry, catches it up).
   */
  async update(eventId: string, change: Partial<QueueSettings>): Promise<QueueSettings> {
    const store = this.opts.settingsStore;
    if (store) {
      await this.apply(eventId, await store.update(eventId, change));
      return (await this.read(eventId)).settings;
    }
    const fields = settingsChange(change);
    if (change.auto === null) await this.redis.hdel(queueKeys(eventId).config, "auto_min", "auto_max");
    if (Object.keys(fields).length > 0) await this.redis.hset(queueKeys(eventId).config, fields);
    return this.settings(eventId);
  }

  /**
   * Writes the operator's durable settings into Redis, unless Redis has the same or a newer
   * version; true when written. Without a durable store there is nothing to restore.
   */
  async restore(eventId: string): Promise<boolean> {
    const store = this.opts.settingsStore;
    if (!store) return false;
    return this.apply(eventId, await store.get(eventId));
  }

  private async apply(eventId: string, s: DurableQueueSettings): Promise<boolean> {
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
      auto: autoBounds(autoMin, autoMax),
      lastRate: autoRate === null ? null : Number(autoRate),
    };
  }
}
