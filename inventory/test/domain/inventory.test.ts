import { beforeEach, describe, expect, test } from "bun:test";
import { AppError } from "@tt/kit";
import { SeatsUnavailableError } from "../../src/domain/errors.ts";
import { fakeInventory, smallEvent } from "./fakes.ts";

let f: ReturnType<typeof fakeInventory>;

beforeEach(async () => {
  f = fakeInventory();
  await f.events.create(smallEvent());
});

const reserve = (over: Partial<Parameters<typeof f.inventory.reserve>[0]> = {}) =>
  f.inventory.reserve({
    reservationId: "rsv_1",
    eventId: "evt_small",
    seatIds: [],
    quantity: 0,
    sectionId: "",
    userId: "u1",
    ...over,
  });

async function codeOf(p: Promise<unknown>) {
  try {
    await p;
    return "ok";
  } catch (error) {
    if (error instanceof AppError) return `${error.code} ${error.status}`;
    throw error;
  }
}

describe("bad input is refused with a 4xx code", () => {
  test.each([
    ["an unknown event", { eventId: "evt_nope", seatIds: ["A-1-1"] }, "EVENT_NOT_FOUND 404"],
    ["a malformed event id", { eventId: "concert!", seatIds: ["A-1-1"] }, "VALIDATION_FAILED 400"],
    ["no seats and no quantity", {}, "VALIDATION_FAILED 400"],
    ["a seat listed twice", { seatIds: ["A-1-1", "A-1-1"] }, "VALIDATION_FAILED 400"],
    [
      "more seats than the limit",
      { seatIds: ["A-1-1", "A-1-2", "A-1-3", "A-1-4", "A-1-5"] },
      "VALIDATION_FAILED 400",
    ],
    ["a quantity over the limit", { quantity: 5 }, "VALIDATION_FAILED 400"],
    ["a malformed seat id", { seatIds: ["A_1_1"] }, "VALIDATION_FAILED 400"],
    ["a seat the event does not have", { seatIds: ["A-9-1"] }, "VALIDATION_FAILED 400"],
    ["an unknown section", { quantity: 1, sectionId: "Z" }, "VALIDATION_FAILED 400"],
    ["a malformed reservation id", { reservationId: "bad id", seatIds: ["A-1-1"] }, "VALIDATION_FAILED 400"],
    ["no reservation id", { reservationId: "", seatIds: ["A-1-1"] }, "VALIDATION_FAILED 400"],
  ])("%s", async (_name, over, expected) => {
    expect(await codeOf(reserve(over))).toBe(expected);
  });

  test("a hold expiry in the past", async () => {
    const code = await codeOf(reserve({ seatIds: ["A-1-1"], holdExpiresAt: f.time.now - 1 }));
    expect(code).toBe("VALIDATION_FAILED 400");
  });

  test("a hold outside the sale window is an invalid state", async () => {
    f.time.now = Date.parse("2025-07-02T00:00:00Z");
    expect(await codeOf(reserve({ seatIds: ["A-1-1"] }))).toBe("INVALID_STATE 409");
  });
});

describe("holds through the core", () => {
  test("a default hold lasts 60 seconds and is priced by section", async () => {
    const hold = await reserve({ seatIds: ["A-1-1", "B-1-1"] });
    expect(hold.holdExpiresAt).toBe(f.time.now + 60_000);
    expect(hold.totalAmount).toBe(150n);
  });

  test("a quantity pick that collides with a seat the cache thought free tries other seats", async () => {
    await f.inventory.status("evt_small", false); // the cache now says everything is free
    const takenBehindTheCachesBack = ["A-1-4", "A-1-5"];
    for (const id of takenBehindTheCachesBack) {
      f.seats.seats.set(`evt_small/${id}`, { seatId: id, status: "SOLD", updatedAt: f.time.now });
    }
    const hold = await reserve({ quantity: 2 });
    expect(hold.seatIds.some((id) => takenBehindTheCachesBack.includes(id))).toBe(false);
    expect(hold.seatIds).toHaveLength(2);
  });

  test("a quantity no section can supply is SEAT_UNAVAILABLE", async () => {
    await reserve({ reservationId: "rsv_b", seatIds: ["B-1-1", "B-1-2", "B-1-3"] });
    const error = await reserve({ quantity: 2, sectionId: "B" }).catch((e) => e);
    expect(error).toBeInstanceOf(SeatsUnavailableError);
  });

  test("commit after the hold passed is RESERVATION_EXPIRED", async () => {
    await reserve({ seatIds: ["A-1-1"] });
    f.time.now += 61_000;
    const code = await codeOf(
      f.inventory.commit({ reservationId: "rsv_1", eventId: "evt_small", seatIds: [], orderId: "o" }),
    );
    expect(code).toBe("RESERVATION_EXPIRED 409");
  });

  test("commit with seats other than the held ones is refused", async () => {
    await reserve({ seatIds: ["A-1-1"] });
    const commit = f.inventory.commit({
      reservationId: "rsv_1",
      eventId: "evt_small",
      seatIds: ["A-1-2"],
      orderId: "",
    });
    expect(await codeOf(commit)).toBe("VALIDATION_FAILED 400");
  });

  test("outcomes are measured per operation", async () => {
    await reserve({ seatIds: ["A-1-1"] });
    await reserve({ reservationId: "rsv_2", seatIds: ["A-1-1"] }).catch(() => undefined);
    expect(f.observed).toEqual(["hold:ok", "hold:SEAT_UNAVAILABLE"]);
  });
});

describe("the read path", () => {
  test("reflects a hold, a sale and a lapsed hold without reading the store again", async () => {
    await f.inventory.status("evt_small", false);
    const loads = f.seats.loads;
    await reserve({ seatIds: ["A-1-1", "A-1-2"], holdExpiresAt: f.time.now + 1_000 });
    await reserve({ reservationId: "rsv_2", seatIds: ["A-2-1"] });
    await f.inventory.commit({ reservationId: "rsv_2", eventId: "evt_small", seatIds: [], orderId: "o" });
    let a = (await f.inventory.status("evt_small", true)).sections[0];
    expect(a).toEqual({ sectionId: "A", total: 24, available: 21, held: 2, sold: 1 });
    f.time.now += 1_001; // the first hold lapses: no write, yet it reads as available
    a = (await f.inventory.status("evt_small", false)).sections[0];
    expect(a).toEqual({ sectionId: "A", total: 24, available: 23, held: 0, sold: 1 });
    expect(f.seats.loads).toBe(loads);
  });

  test("many reads within the micro-cache window cost one cache read", async () => {
    f = fakeInventory({ localTtlMs: 500 });
    await f.events.create(smallEvent());
    let reads = 0;
    const read = f.cache.read.bind(f.cache);
    f.cache.read = (id) => {
      reads += 1;
      return read(id);
    };
    await Promise.all(Array.from({ length: 50 }, () => f.inventory.status("evt_small", false)));
    expect(reads).toBe(1);
    expect(f.seats.loads).toBe(1);
  });

  test("checks explicit seats and quantities against the map", async () => {
    await reserve({ seatIds: ["B-1-1", "B-1-2"] });
    const seats = await f.inventory.check({
      eventId: "evt_small",
      seatIds: ["B-1-1", "B-1-3"],
      quantity: 0,
      sectionId: "",
    });
    expect(seats.unavailableSeatIds).toEqual(["B-1-1"]);
    const qty = await f.inventory.check({ eventId: "evt_small", seatIds: [], quantity: 3, sectionId: "B" });
    expect(qty.available).toBe(false);
  });
});
