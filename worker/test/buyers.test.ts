// Telling buyers their purchase outcome on a private redis-server: pub/sub keeps nothing, so a
// tell that reached no subscriber (a socket reconnecting, a gateway resubscribing after Redis came
// back) is published again for a few seconds — in the background, not holding up the event.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createLogger, createRedis, purchaseChannel } from "@tt/kit";
import { Supervisor, startRedis } from "@tt/kit/local";
import { eventually, freePort } from "@tt/kit/testing";
import type Redis from "ioredis";
import { RedisBuyers } from "../src/adapters/buyers.redis.ts";

const sup = new Supervisor({ sink: () => undefined });
let url: string;
let redis: Redis;
let buyers: RedisBuyers;
const clients: Redis[] = [];

beforeAll(async () => {
  url = await startRedis(sup, { port: freePort() });
  redis = createRedis(url);
  buyers = new RedisBuyers(
    redis,
    createLogger("worker-test", "error", () => undefined),
  );
});

afterAll(async () => {
  redis?.disconnect();
  for (const c of clients) c.disconnect();
  await sup.stop();
});

/** A gateway's subscription to one reservation's channel; collects what it hears. */
async function listen(reservationId: string): Promise<string[]> {
  const heard: string[] = [];
  const sub = createRedis(url);
  clients.push(sub);
  sub.on("message", (_channel: string, message: string) => heard.push(message));
  await sub.subscribe(purchaseChannel(reservationId));
  return heard;
}

test("an outcome told while nobody listens reaches a watch that comes a second later, once", async () => {
  const started = Date.now();
  await buyers.tell({ reservationId: "rsv_late_watch", status: "CONFIRMED", orderId: "ord_1" });
  // The event is not held up while the outcome waits for a listener.
  expect(Date.now() - started).toBeLessThan(200);
  await Bun.sleep(1_000);
  const heard = await listen("rsv_late_watch");
  await eventually(() => heard.length > 0, 5_000);
  expect(JSON.parse(heard[0] ?? "{}")).toEqual({
    reservation_id: "rsv_late_watch",
    status: "CONFIRMED",
    order_id: "ord_1",
  });
  await Bun.sleep(4_500);
  expect(heard).toHaveLength(1);
}, 15_000);

test("an outcome heard at once is published once", async () => {
  const heard = await listen("rsv_watched");
  await buyers.tell({ reservationId: "rsv_watched", status: "EXPIRED" });
  await Bun.sleep(1_500);
  expect(heard).toHaveLength(1);
}, 10_000);
