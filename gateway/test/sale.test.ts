// The waiting room's side of "sold out" against a real Redis: what a stock reading does to
// admission, to joins and to the status every gateway answers from (the whole flow, with real
// seats and sockets, is in api/sold-out.test.ts).
import { describe, expect, test } from "bun:test";
import { AppError } from "@tt/kit";
import type Redis from "ioredis";
import { WaitingRoom } from "../src/adapters/queue/waiting-room.redis.ts";
import { redisForFile, testRoomOptions } from "./support.ts";

let redis: Redis;
let clock = 1_700_000_000_000;
let room: WaitingRoom;
let n = 0;
const freshEvent = () => `evt_sale_${++n}_${Math.random().toString(36).slice(2, 8)}`;

redisForFile((client) => {
  redis = client;
  room = new WaitingRoom(redis, { ...testRoomOptions, defaultRate: 1000, now: () => clock });
});

/** Joins `count` anonymous waiters; their tokens. */
async function line(eventId: string, count: number): Promise<string[]> {
  const joins = await Promise.all(Array.from({ length: count }, () => room.join(eventId)));
  return joins.map((j) => j.token);
}

describe("the line follows the stock", () => {
  test("with no seat available nobody is admitted, and every status says sold out with the seats held", async () => {
    const eventId = freshEvent();
    const tokens = await line(eventId, 5);
    clock += 1000;
    const tick = await room.admitTick(eventId, { stock: { available: 0, held: 7, sold: 93 } });
    expect(tick.admitted).toBe(0);
    const status = await room.status(tokens[0] ?? "");
    expect([status.status, status.sale]).toEqual(["waiting", { state: "sold_out", seatsHeld: 7 }]);
    // A tick without a new reading keeps the state: still nobody admitted.
    clock += 1000;
    expect((await room.admitTick(eventId)).admitted).toBe(0);
    expect((await room.join(eventId)).sale).toEqual({ state: "sold_out", seatsHeld: 7 });
  });

  test("seats that come back reopen admission, never more buyers per tick than seats available", async () => {
    const eventId = freshEvent();
    await line(eventId, 20);
    clock += 1000;
    await room.admitTick(eventId, { stock: { available: 0, held: 4, sold: 0 } });
    clock += 1000;
    const reopened = await room.admitTick(eventId, { stock: { available: 3, held: 1, sold: 0 } });
    expect(reopened.admitted).toBe(3);
    clock += 1000;
    expect((await room.admitTick(eventId, { stock: { available: 50, held: 1, sold: 0 } })).admitted).toBe(17);
  });

  test("once every seat is sold the line is closed: joins are refused with SOLD_OUT", async () => {
    const eventId = freshEvent();
    const [token] = await line(eventId, 1);
    clock += 1000;
    await room.admitTick(eventId, { stock: { available: 0, held: 0, sold: 100 } });
    expect((await room.status(token ?? "")).sale.state).toBe("closed");
    const refused = await room.join(eventId).catch((e: unknown) => e);
    expect(refused instanceof AppError && refused.code).toBe("SOLD_OUT");
  });
});
