import { describe, expect, test } from "bun:test";
import { eventually } from "@tt/kit/testing";
import type Redis from "ioredis";
import { WaitingRoom } from "../src/adapters/queue/waiting-room.redis.ts";
import { redisForFile, startQueueGateway, type TestGateway, testRoomOptions } from "./support.ts";

let redis: Redis;
let clock = 1_800_000_000_000;

let redisUrl: string;
redisForFile((client, url) => {
  redis = client;
  redisUrl = url;
});

describe("the pre-queue", () => {
  test("early arrivals wait without a place, nobody is admitted before opening, then places are a random permutation ahead of later arrivals", async () => {
    const room = new WaitingRoom(redis, { ...testRoomOptions, now: () => clock });
    const eventId = `evt_pre_${Date.now()}`;
    await room.updateSettings(eventId, { opensAt: clock + 60_000, rate: 1000 });

    const early = [];
    for (let i = 0; i < 200; i++) {
      const joined = await room.join(eventId);
      expect(joined).toMatchObject({ status: "waiting", position: null, etaSec: 60 });
      early.push(joined.token);
    }
    clock += 30_000;
    expect(await room.status(early[0] ?? "")).toMatchObject({ position: null, etaSec: 30 });
    await room.updateSettings(eventId, { rate: 0 });
    expect((await room.admitTick(eventId)).admitted).toBe(0);

    clock += 30_000;
    await room.admitTick(eventId); // opens the pre-queue (rate 0: nobody admitted yet)
    const late = await room.join(eventId);
    expect(late.position).toBe(201);

    const positions = await Promise.all(early.map(async (t) => (await room.status(t)).position));
    expect([...positions].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    // Arrival order is not kept: the chance of a random draw equalling it is 1/200!.
    expect(positions).not.toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  test("a live socket in the pre-queue is told its drawn place when the sale opens", async () => {
    const gw: TestGateway = await startQueueGateway(redisUrl);
    try {
      const eventId = `evt_pre_ws_${Date.now()}`;
      await gw.room.updateSettings(eventId, { opensAt: Date.now() + 400, rate: 0 });
      const joined = (await (
        await fetch(`${gw.url}/api/v1/queue/join`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ event_id: eventId }),
        })
      ).json()) as { waiting_token: string; position_hint: number | null };
      expect(joined.position_hint).toBeNull();
      const frames: { type: string; position?: number | null }[] = [];
      const ws = new WebSocket(
        `${gw.wsUrl}/api/v1/queue/ws?token=${encodeURIComponent(joined.waiting_token)}`,
      );
      ws.onmessage = (m) => frames.push(JSON.parse(String(m.data)));
      await eventually(() => frames.length > 0);
      expect(frames[0]).toMatchObject({ type: "position", position: null });

      await Bun.sleep(450);
      await gw.room.admitTick(eventId);
      await eventually(() => frames.at(-1)?.position === 1);
      ws.close();
    } finally {
      await gw.stop();
    }
  });
});
