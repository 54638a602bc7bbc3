// Scheduled sales against a real Redis: the event's sale window drives its line by itself (a
// pre-queue before the opening, admission from it, no joins and no admissions from the close),
// on the room's injected clock so every boundary is hit to the millisecond. The whole flow, with
// inventory's own window, sockets and the web app's view of it, is in api/sale-window.test.ts.
import { describe, expect, test } from "bun:test";
import { AppError } from "@tt/kit";
import type Redis from "ioredis";
import { WaitingRoom } from "../src/adapters/queue/waiting-room.redis.ts";
import { CachedEventDirectory } from "../src/adapters/upstream/event-directory.connect.ts";
import type { SaleWindow } from "../src/domain/queue/sale.ts";
import { redisForFile, testRoomOptions } from "./support.ts";

let redis: Redis;
let clock = 1_900_000_000_000;
let room: WaitingRoom;
let n = 0;
const freshEvent = () => `evt_win_${++n}_${Math.random().toString(36).slice(2, 8)}`;
const STOCK = { available: 100, held: 0, sold: 0 };

redisForFile((client) => {
  redis = client;
  room = new WaitingRoom(redis, { ...testRoomOptions, defaultRate: 1000, now: () => clock });
});

/** A window opening `opensIn` ms from now and lasting `lasts` ms. */
const windowFrom = (opensIn: number, lasts = 60_000): SaleWindow => ({
  opensAt: clock + opensIn,
  closesAt: clock + opensIn + lasts,
});

const codeOf = (error: unknown) => (error instanceof AppError ? error.code : String(error));

describe("the sale window drives the line", () => {
  test("before the opening a join waits without a place and a countdown; admission starts at the opening, not a millisecond before", async () => {
    const eventId = freshEvent();
    const window = windowFrom(60_000);
    const early = await room.join(eventId, {}, undefined, window);
    expect(early).toMatchObject({ status: "waiting", position: null, etaSec: 60, opensAt: window.opensAt });

    clock = window.opensAt - 1;
    expect((await room.admitTick(eventId, { stock: STOCK, window })).admitted).toBe(0);
    expect((await room.status(early.token)).position).toBeNull();
    // The last millisecond before the opening still draws a place.
    expect((await room.join(eventId, {}, undefined, window)).position).toBeNull();

    clock = window.opensAt;
    const onTime = await room.join(eventId, {}, undefined, window);
    expect(onTime.position).toBe(3);
    // Credit accrues from the opening: its first millisecond admits the first of the early joiners.
    expect((await room.admitTick(eventId, { stock: STOCK, window })).admitted).toBe(1);
    expect((await room.status(onTime.token)).position).toBe(2);
    clock += 1000;
    expect((await room.admitTick(eventId, { stock: STOCK, window })).admitted).toBe(2);
    expect((await room.status(early.token)).status).toBe("ready");
  });

  test("a join at the close is SALE_CLOSED, a millisecond before it takes a place", async () => {
    const eventId = freshEvent();
    const window = windowFrom(-1000, 5000);
    clock = window.closesAt - 1;
    expect((await room.join(eventId, {}, undefined, window)).status).toBe("waiting");
    clock = window.closesAt;
    expect(codeOf(await room.join(eventId, {}, undefined, window).catch((e) => e))).toBe("SALE_CLOSED");
  });

  test("from the close nobody more is admitted, every status says ended, and a gateway that never read the window refuses joins too", async () => {
    const eventId = freshEvent();
    const window = windowFrom(-1000, 5000);
    const [a, b] = [await room.join(eventId, {}, undefined, window), await room.join(eventId)];
    clock = window.closesAt;
    const tick = await room.admitTick(eventId, { stock: STOCK, window });
    expect(tick.admitted).toBe(0);
    expect((await room.status(a.token)).sale).toEqual({ state: "ended", seatsHeld: 0 });
    expect((await room.status(b.token)).status).toBe("waiting");
    // This join's gateway knows no window (its directory has not read the event): the line does.
    expect(codeOf(await room.join(eventId).catch((e) => e))).toBe("SALE_CLOSED");
    // Later stock readings do not reopen it.
    clock += 1000;
    expect((await room.admitTick(eventId, { stock: STOCK })).admitted).toBe(0);
    expect((await room.stats(eventId)).sale.state).toBe("ended");
  });

  test("the ticker alone carries the window to a line: status calls of its pre-queue hide places until the opening", async () => {
    const eventId = freshEvent();
    const window = windowFrom(10_000);
    // Joined through a gateway that had not read the window yet: a place by arrival…
    const joined = await room.join(eventId);
    expect(joined.position).toBe(1);
    // …held until the opening once the leader tells the line its window.
    expect((await room.admitTick(eventId, { stock: STOCK, window })).admitted).toBe(0);
    expect(await room.status(joined.token)).toMatchObject({ position: null, etaSec: 10 });
    clock = window.opensAt;
    expect((await room.admitTick(eventId, { stock: STOCK })).admitted).toBe(1);
  });

  test("the operator's opening overrides the event's: an early start admits before sale_opens_at", async () => {
    const eventId = freshEvent();
    const window = windowFrom(60_000);
    await room.updateSettings(eventId, { opensAt: clock - 1 });
    const joined = await room.join(eventId, {}, undefined, window);
    expect(joined.position).toBe(1);
    expect((await room.admitTick(eventId, { stock: STOCK, window })).admitted).toBe(1);
    // Taking the override back follows the event again: a new joiner waits for its opening.
    await room.updateSettings(eventId, { opensAt: null });
    expect((await room.join(eventId, {}, undefined, window)).position).toBeNull();
  });

  test("a pause still stops admission inside the window", async () => {
    const eventId = freshEvent();
    const window = windowFrom(-1000);
    await room.join(eventId, {}, undefined, window);
    await room.updateSettings(eventId, { paused: true });
    clock += 1000;
    expect((await room.admitTick(eventId, { stock: STOCK, window })).admitted).toBe(0);
    await room.updateSettings(eventId, { paused: false });
    clock += 1000;
    expect((await room.admitTick(eventId, { stock: STOCK, window })).admitted).toBe(1);
  });

  test("a window that moves later reopens an ended line: joins are taken and admission resumes", async () => {
    const eventId = freshEvent();
    const window = windowFrom(-1000, 2000);
    const joined = await room.join(eventId, {}, undefined, window);
    await room.updateSettings(eventId, { rate: 0 });
    clock = window.closesAt;
    await room.admitTick(eventId, { stock: STOCK, window });
    expect((await room.status(joined.token)).sale.state).toBe("ended");

    const moved = { ...window, closesAt: window.closesAt + 60_000 };
    await room.updateSettings(eventId, { rate: 1000 });
    clock += 1000;
    expect((await room.admitTick(eventId, { stock: STOCK, window: moved })).admitted).toBe(1);
    expect((await room.status(joined.token)).sale.state).toBe("on_sale");
    expect((await room.join(eventId, {}, undefined, moved)).status).toBe("waiting");
  });
});

describe("the event directory's sale window", () => {
  test("is read once, then served while a fresh one is fetched in the background", async () => {
    let now = 0;
    let asked = 0;
    let answer: SaleWindow = { opensAt: 10, closesAt: 20 };
    const directory = new CachedEventDirectory(
      async () => {
        asked += 1;
        return answer;
      },
      { positiveMs: 1000, negativeMs: 1000 },
      () => now,
    );
    // Never read: nothing yet (the caller does not wait), and one lookup started.
    expect(directory.saleWindow("evt_a")).toBeUndefined();
    await Bun.sleep(1);
    expect(directory.saleWindow("evt_a")).toEqual({ opensAt: 10, closesAt: 20 });
    expect(asked).toBe(1);
    // Past its time: the old window still answers, and the new one follows.
    answer = { opensAt: 10, closesAt: 30 };
    now = 1000;
    expect(directory.saleWindow("evt_a")).toEqual({ opensAt: 10, closesAt: 20 });
    await Bun.sleep(1);
    expect(directory.saleWindow("evt_a")).toEqual({ opensAt: 10, closesAt: 30 });
    expect(asked).toBe(2);
    expect(await directory.exists("evt_a")).toBe(true);
    expect(asked).toBe(2);
  });
});
