/**
 * SeatMapCache on Redis. Keys carry the event as a hash tag (`inv:{evt_…}:…`) so the script's
 * two keys live on one slot of a Redis Cluster (docs/architecture.md, "Redis keys and hash tags").
 */
import { join } from "node:path";
import { defineScripts } from "@tt/kit";
import type Redis from "ioredis";
import type { SeatStatus } from "../domain/model.ts";
import type { CachedSeat, SeatMapCache } from "../domain/ports.ts";

/** Lifetime of a seat map after its last rebuild. */
const MAP_TTL_MS = 86_400_000;

const CODE: Record<SeatStatus, string> = { AVAILABLE: "A", HELD: "H", SOLD: "S" };
const STATUS: Record<string, SeatStatus> = { A: "AVAILABLE", H: "HELD", S: "SOLD" };

/** Every Redis key of the inventory, built in one place. */
export function seatMapKeys(prefix: string, eventId: string) {
  const tag = `${prefix}inv:{${eventId}}`;
  return { seats: `${tag}:seats`, meta: `${tag}:meta`, lease: `${tag}:lease` };
}

function encode(seat: CachedSeat): string {
  return `${CODE[seat.status]}|${seat.holdExpiresAt ?? 0}|${seat.updatedAt}`;
}

function decode(value: string): CachedSeat | undefined {
  const [code, expires, updated] = value.split("|");
  const status = STATUS[code ?? ""];
  if (!status) return undefined;
  return { status, holdExpiresAt: Number(expires) || undefined, updatedAt: Number(updated) || 0 };
}

interface SeatMapCommands {
  inventorySeatMapApply(seatsKey: string, metaKey: string, ...args: string[]): Promise<number>;
}

/** The shared seat-map cache; `prefix` namespaces keys (tests use a random one). */
export class RedisSeatMapCache implements SeatMapCache {
  private readonly redis: Redis & SeatMapCommands;

  constructor(
    redis: Redis,
    private readonly prefix = "",
  ) {
    // kit/src/redis-scripts.ts; bump the version when the script's KEYS/ARGV contract changes.
    this.redis = defineScripts<SeatMapCommands>(redis, {
      version: "v1",
      scripts: { inventorySeatMapApply: join(import.meta.dir, "seat-map-apply-2.lua") },
    });
  }

  async read(eventId: string) {
    const keys = seatMapKeys(this.prefix, eventId);
    const [builtAt, raw] = await Promise.all([
      this.redis.hget(keys.meta, "built_at"),
      this.redis.hgetall(keys.seats),
    ]);
    if (!builtAt) return undefined;
    const seats = new Map<string, CachedSeat>();
    for (const [id, value] of Object.entries(raw)) {
      const seat = decode(value);
      if (seat) seats.set(id, seat);
    }
    return { seats, builtAt: Number(builtAt) };
  }

  async apply(eventId: string, seats: CachedSeatWithId[]): Promise<void> {
    await this.write(eventId, "apply", "0", seats);
  }

  async rebuild(eventId: string, seats: CachedSeatWithId[], builtAt: number): Promise<void> {
    await this.write(eventId, "rebuild", String(builtAt), seats);
    // Redis never evicts (noeviction): a map nobody has read for a day goes by itself, and the
    // next read rebuilds it. A map in use is rebuilt every few seconds, which renews this.
    const keys = seatMapKeys(this.prefix, eventId);
    await Promise.all([
      this.redis.pexpire(keys.seats, MAP_TTL_MS),
      this.redis.pexpire(keys.meta, MAP_TTL_MS),
    ]);
  }

  async tryLease(eventId: string, ttlMs: number): Promise<boolean> {
    const ok = await this.redis.set(seatMapKeys(this.prefix, eventId).lease, "1", "PX", ttlMs, "NX");
    return ok === "OK";
  }

  private async write(eventId: string, mode: string, builtAt: string, seats: CachedSeatWithId[]) {
    if (seats.length === 0 && mode === "apply") return;
    const keys = seatMapKeys(this.prefix, eventId);
    const args = seats.flatMap((s) => [s.seatId, encode(s), String(s.updatedAt)]);
    await this.redis.inventorySeatMapApply(keys.seats, keys.meta, mode, builtAt, ...args);
  }
}

type CachedSeatWithId = CachedSeat & { seatId: string };
