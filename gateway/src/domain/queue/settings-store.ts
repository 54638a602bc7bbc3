import type { AutoAdmission } from "./governor.ts";
import type { QueueSettings } from "./room-model.ts";

/**
 * An event's admission settings as kept durably (with the event, in inventory): what the
 * operator set, absent rate and cap meaning the gateway's defaults. `version` goes up with every
 * change, so a stale copy never overwrites a newer one; 0: never changed.
 */
export interface DurableQueueSettings {
  rate?: number | undefined;
  cap?: number | undefined;
  paused: boolean;
  opensAt: number | null;
  /** Self-tuning bounds; absent: admission at the fixed rate. */
  auto?: AutoAdmission | undefined;
  /** Join challenge difficulty (leading zero bits); absent or 0: none. */
  challengeDifficulty?: number | undefined;
  version: number;
}

/**
 * Where the waiting room keeps the operator's settings so that they outlive its Redis. Throws
 * catalogue errors (EVENT_NOT_FOUND, UPSTREAM_UNAVAILABLE, …).
 */
export interface QueueSettingsStore {
  get(eventId: string): Promise<DurableQueueSettings>;
  /** Changes the given settings (`opensAt: null` removes the pre-queue, `auto: null` self-tuning); returns all of them. */
  update(eventId: string, change: Partial<QueueSettings>): Promise<DurableQueueSettings>;
}

/**
 * Keeps each event's settings in process for `ttlMs` (one read serves every join batch and
 * ticker that needs them at once), one read in flight per event, and answers with the last
 * settings read when the store fails (`update` always goes to the store). Redis applies only a
 * newer version over an older one, and the ticker re-reads now and then, so a copy held here a
 * moment too long is corrected.
 */
export class CachedQueueSettings implements QueueSettingsStore {
  private readonly fresh = new Map<string, { settings: DurableQueueSettings; until: number }>();
  private readonly inFlight = new Map<string, Promise<DurableQueueSettings>>();

  constructor(
    private readonly store: QueueSettingsStore,
    private readonly ttlMs = 1000,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  get(eventId: string): Promise<DurableQueueSettings> {
    const hit = this.fresh.get(eventId);
    if (hit && hit.until > this.now()) return Promise.resolve(hit.settings);
    let read = this.inFlight.get(eventId);
    if (!read) {
      read = this.store
        .get(eventId)
        .then(
          (settings) => this.remember(eventId, settings),
          (error: unknown) => {
            if (hit) return hit.settings;
            throw error;
          },
        )
        .finally(() => this.inFlight.delete(eventId));
      this.inFlight.set(eventId, read);
    }
    return read;
  }

  async update(eventId: string, change: Partial<QueueSettings>): Promise<DurableQueueSettings> {
    return this.remember(eventId, await this.store.update(eventId, change));
  }

  private remember(eventId: string, settings: DurableQueueSettings): DurableQueueSettings {
    const known = this.fresh.get(eventId)?.settings;
    // Reads and updates may answer out of order: keep the newer.
    const newest = known && known.version > settings.version ? known : settings;
    if (this.fresh.size >= this.maxEntries) this.fresh.clear();
    this.fresh.set(eventId, { settings: newest, until: this.now() + this.ttlMs });
    return newest;
  }
}

/** Settings kept in this process only (tests, and gateways built without inventory). */
export class MemoryQueueSettings implements QueueSettingsStore {
  private readonly settings = new Map<string, DurableQueueSettings>();

  async get(eventId: string): Promise<DurableQueueSettings> {
    return this.settings.get(eventId) ?? { paused: false, opensAt: null, version: 0 };
  }

  async update(eventId: string, change: Partial<QueueSettings>): Promise<DurableQueueSettings> {
    const current = await this.get(eventId);
    const next: DurableQueueSettings = {
      rate: change.rate ?? current.rate,
      cap: change.cap ?? current.cap,
      paused: change.paused ?? current.paused,
      opensAt: change.opensAt === undefined ? current.opensAt : change.opensAt,
      auto: change.auto === undefined ? current.auto : (change.auto ?? undefined),
      challengeDifficulty: change.challengeDifficulty ?? current.challengeDifficulty,
      version: current.version + 1,
    };
    this.settings.set(eventId, next);
    return next;
  }
}
