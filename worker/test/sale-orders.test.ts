// The worker's count of confirmed orders on a private redis-server: two replicas and a redelivery
// count an order once, in Redis (what the console reads) and in Prometheus alike.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createRedis, Metrics, readSaleTally, SaleTally, saleOrdersKey } from "@tt/kit";
import { Supervisor, startRedis } from "@tt/kit/local";
import { freePort } from "@tt/kit/testing";
import type Redis from "ioredis";
import { RedisSaleOrders } from "../src/adapters/sale-orders.redis.ts";

const sup = new Supervisor({ sink: () => undefined });
let redis: Redis;

beforeAll(async () => {
  redis = createRedis(await startRedis(sup, { port: freePort() }));
});

afterAll(async () => {
  redis?.disconnect();
  await sup.stop();
});

/** A worker replica's counter, with its own Prometheus registry. */
function replica() {
  const metrics = new Metrics("worker");
  return { orders: new RedisSaleOrders(redis, new SaleTally(metrics)), metrics };
}

/** The replica's `sale_funnel_total{step="confirmed"}` of `eventId` (0 when absent). */
async function promConfirmed(metrics: Metrics, eventId: string): Promise<number> {
  const line = (await metrics.render())
    .split("\n")
    .find((l) => l.startsWith("sale_funnel_total{") && l.includes(`event_id="${eventId}"`));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

describe("confirmed orders", () => {
  test("each order is counted once across replicas and redeliveries, for the console and Prometheus", async () => {
    const event = `evt_o${Date.now()}`;
    const one = replica();
    const two = replica();
    // r1 is delivered to both replicas at once and again later; r2 once.
    const firsts = await Promise.all([one.orders.count(event, "r1"), two.orders.count(event, "r1")]);
    expect(firsts.filter(Boolean)).toHaveLength(1);
    expect(await one.orders.count(event, "r1")).toBe(false);
    expect(await two.orders.count(event, "r2")).toBe(true);

    expect((await readSaleTally(redis, event)).funnel.confirmed).toBe(2);
    expect((await promConfirmed(one.metrics, event)) + (await promConfirmed(two.metrics, event))).toBe(2);
    // Kept as long as the event's other figures, then gone with them.
    const ttl = await redis.pttl(saleOrdersKey(event));
    expect(ttl).toBeGreaterThan(86_000_000);
    expect(ttl).toBeLessThanOrEqual(86_400_000);
  });

  test("an order another event confirmed is not this event's", async () => {
    const { orders } = replica();
    const [a, b] = [`evt_a${Date.now()}`, `evt_b${Date.now()}`];
    await orders.count(a, "r1");
    expect((await readSaleTally(redis, a)).funnel.confirmed).toBe(1);
    expect((await readSaleTally(redis, b)).funnel.confirmed).toBe(0);
  });

  test("a write Redis refused throws, so the event is delivered again, and counts nothing", async () => {
    const event = `evt_x${Date.now()}`;
    // The set's key holding a string makes SADD fail with WRONGTYPE, as a failed write would.
    await redis.set(saleOrdersKey(event), "not a set");
    const { orders, metrics } = replica();
    await expect(orders.count(event, "r1")).rejects.toThrow(/WRONGTYPE/);
    expect(await promConfirmed(metrics, event)).toBe(0);
  });
});
