import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createRedis, Metrics, readSaleTally, SaleTally } from "../src/index.ts";
import { eventually, freePort } from "../src/testing.ts";

// A private redis-server: two processes' tallies add up in it, as two gateways' do.
const redisPort = freePort();
let redisProc: ReturnType<typeof Bun.spawn> | undefined;
const redis = createRedis(`redis://127.0.0.1:${redisPort}`);

beforeAll(async () => {
  redisProc = Bun.spawn(["redis-server", "--port", String(redisPort), "--save", "", "--appendonly", "no"], {
    stdout: "ignore",
    stderr: "ignore",
  });
  await eventually(async () => (await redis.ping().catch(() => "")) === "PONG");
});

afterAll(async () => {
  redis.disconnect();
  redisProc?.kill();
});

/** The value of one series in a registry's text, or undefined when it is absent. */
async function series(metrics: Metrics, line: string): Promise<number | undefined> {
  const text = await metrics.render();
  const found = text.split("\n").find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe("sale tally", () => {
  test("counts each funnel step and abandoned place per event, as Prometheus counters", async () => {
    const metrics = new Metrics("test");
    const tally = new SaleTally(metrics);
    tally.count("evt_a", "joined");
    tally.count("evt_a", "joined", 4);
    tally.count("evt_a", "admitted", 3);
    tally.count("evt_b", "confirmed");
    tally.abandoned("evt_a", "silent", 2);
    tally.abandoned("evt_a", "left");

    expect(await series(metrics, 'sale_funnel_total{event_id="evt_a",step="joined",app="test"}')).toBe(5);
    expect(await series(metrics, 'sale_funnel_total{event_id="evt_a",step="admitted",app="test"}')).toBe(3);
    expect(await series(metrics, 'sale_funnel_total{event_id="evt_b",step="confirmed",app="test"}')).toBe(1);
    expect(await series(metrics, 'queue_abandoned_total{event_id="evt_a",reason="silent",app="test"}')).toBe(
      2,
    );
    expect(await series(metrics, 'queue_abandoned_total{event_id="evt_a",reason="left",app="test"}')).toBe(1);
    // A step nobody reached has no series (no zero rows for every event × step).
    expect(
      await series(metrics, 'sale_funnel_total{event_id="evt_b",step="joined",app="test"}'),
    ).toBeUndefined();
    // Scraping twice does not count twice.
    expect(await series(metrics, 'sale_funnel_total{event_id="evt_a",step="joined",app="test"}')).toBe(5);
  });

  test("puts each admitted buyer's time in line in the histogram's buckets", async () => {
    const metrics = new Metrics("test");
    const tally = new SaleTally(metrics);
    tally.waited("evt_w", [400, 3_000, 45_000, 7_200_000]);
    const at = (le: string) =>
      series(metrics, `queue_wait_seconds_bucket{le="${le}",app="test",event_id="evt_w"}`);
    expect(await at("1")).toBe(1);
    expect(await at("5")).toBe(2);
    expect(await at("60")).toBe(3);
    expect(await at("3600")).toBe(3);
    expect(await at("+Inf")).toBe(4);
    expect(await series(metrics, 'queue_wait_seconds_count{app="test",event_id="evt_w"}')).toBe(4);
  });

  test("keeps series for at most maxEvents events, forgetting the least recently counted", async () => {
    const metrics = new Metrics("test");
    const tally = new SaleTally(metrics, { maxEvents: 2 });
    tally.count("evt_1", "joined");
    tally.waited("evt_1", [1000]);
    tally.count("evt_2", "joined");
    tally.count("evt_1", "held");
    tally.count("evt_3", "joined");
    const text = await metrics.render();
    expect(text).not.toContain('event_id="evt_2"');
    expect(text).toContain('event_id="evt_1"');
    expect(text).toContain('event_id="evt_3"');
  });

  test("two processes' counts add up in Redis, each delta sent once", async () => {
    const event = `evt_r${Date.now()}`;
    const one = new SaleTally(new Metrics("one"), { redis });
    const two = new SaleTally(new Metrics("two"), { redis });
    one.count(event, "joined", 3);
    two.count(event, "joined", 2);
    two.count(event, "paid");
    one.abandoned(event, "left");
    one.waited(event, [2_500, 90_000]);
    await Promise.all([one.flush(), two.flush()]);
    await one.flush(); // nothing new: nothing added again
    one.count(event, "admitted", 2);
    await one.flush();

    const figures = await readSaleTally(redis, event);
    expect(figures.funnel).toEqual({ joined: 5, admitted: 2, held: 0, paid: 1, confirmed: 0 });
    expect(figures.abandoned).toEqual({ silent: 0, left: 1 });
    expect(figures.wait.count).toBe(2);
    expect(figures.wait.sum_sec).toBe(92.5);
    expect(figures.wait.buckets.find((b) => b.le === 5)?.count).toBe(1);
    expect(figures.wait.buckets.find((b) => b.le === 120)?.count).toBe(1);
    expect(await redis.pttl(`tt:q:{${event}}:sale`)).toBeGreaterThan(0);
  });

  test("an event nobody counted reads as zeros", async () => {
    const figures = await readSaleTally(redis, "evt_never");
    expect(figures.funnel.joined).toBe(0);
    expect(figures.wait.count).toBe(0);
  });
});
