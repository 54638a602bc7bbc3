// Holds, commits and releases against DynamoDB Local and Redis, through the inventory core.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { AppError, instrumentAws, Metrics } from "@tt/kit";
import { holdKey, seatKey } from "../src/adapters/dynamo-keys.ts";
import type { EventInfo } from "../src/domain/model.ts";
import { type Backends, buildOn, eventId, saleNow, startBackends } from "./support.ts";

let b: Backends;
let core: ReturnType<typeof buildOn>;

// Counts the requests the core sends to DynamoDB, by operation.
const sent = new Metrics("inventory-test");

beforeAll(async () => {
  b = await startBackends();
  instrumentAws(b.dynamo, sent, "dynamodb");
  core = buildOn(b);
}, 60_000);

async function requests(operation: string): Promise<number> {
  const metric = await sent.registry.getSingleMetric("dependency_requests_total")?.get();
  return (metric?.values ?? [])
    .filter((v) => v.labels.operation === operation)
    .reduce((sum, v) => sum + v.value, 0);
}
const transactions = () => requests("TransactWriteItems");

afterAll(() => b?.stop());

async function newEvent(): Promise<EventInfo> {
  return (await core.events.create(saleNow(eventId()))).event;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

async function storedSeat(e: EventInfo, seatId: string) {
  const { Item } = await b.dynamo.send(
    new GetItemCommand({
      TableName: `${b.stage}-seats`,
      Key: seatKey(e.eventId, seatId, e.seatShards),
      ConsistentRead: true,
    }),
  );
  return { status: Item?.status?.S, holder: Item?.holder?.S };
}

const hold = (e: EventInfo, reservationId: string, seatIds: string[], holdExpiresAt?: number) =>
  core.inventory.reserve({
    reservationId,
    eventId: e.eventId,
    seatIds,
    quantity: 0,
    sectionId: "",
    userId: "u1",
    holdExpiresAt,
  });

describe("holding seats", () => {
  test("holds every requested seat and prices them by section", async () => {
    const e = await newEvent();
    const h = await hold(e, "rsv_1", ["A-1-1", "B-1-1"]);
    expect(h.seatIds).toEqual(["A-1-1", "B-1-1"]);
    expect(h.totalAmount).toBe(80_000n);
    expect(await storedSeat(e, "A-1-1")).toEqual({ status: "HELD", holder: "rsv_1" });
  });

  test("re-sending the same hold succeeds with the same seats", async () => {
    const e = await newEvent();
    const first = await hold(e, "rsv_2", ["A-1-2", "A-1-3"]);
    const again = await hold(e, "rsv_2", ["A-1-3", "A-1-2"]);
    expect(again.seatIds.sort()).toEqual(first.seatIds.sort());
  });

  test("re-sending a quantity hold returns the seats picked the first time", async () => {
    const e = await newEvent();
    const ask = {
      reservationId: "rsv_q",
      eventId: e.eventId,
      seatIds: [],
      quantity: 3,
      sectionId: "A",
      userId: "u",
    };
    const first = await core.inventory.reserve(ask);
    const again = await core.inventory.reserve(ask);
    expect(again.seatIds).toEqual(first.seatIds);
    expect(first.seatIds).toEqual(["A-1-4", "A-1-5", "A-1-6"]);
  });

  test("is all or none: one taken seat fails the whole hold and names that seat", async () => {
    const e = await newEvent();
    await hold(e, "rsv_a", ["A-2-1"]);
    const err = await hold(e, "rsv_b", ["A-2-2", "A-2-1"]).catch((x) => x);
    expect(err.code).toBe("SEAT_UNAVAILABLE");
    expect(err.metadata.seat_ids).toBe("A-2-1");
    expect(await storedSeat(e, "A-2-2")).toEqual({ status: "AVAILABLE", holder: undefined });
  });

  test("a seat the map shows held by another live hold is refused on a consistent read, with no transaction", async () => {
    const e = await newEvent();
    await hold(e, "rsv_first", ["A-2-5"]);
    const [tx, reads] = [await transactions(), await requests("BatchGetItem")];
    const err = await core.inventory
      .reserve({
        reservationId: "rsv_late",
        eventId: e.eventId,
        seatIds: ["A-2-5", "A-2-6"],
        quantity: 0,
        sectionId: "",
        userId: "u2",
      })
      .catch((x) => x);
    expect(err.code).toBe("SEAT_UNAVAILABLE");
    expect(err.metadata.seat_ids).toBe("A-2-5");
    expect(err.metadata.held_by_you).not.toBe("true");
    expect(err.metadata.your_holds).toBeUndefined();
    expect(await transactions()).toBe(tx);
    expect(await requests("BatchGetItem")).toBe(reads + 1);
    // The same buyer trying again (a new reservation for the seats it holds) is told they are its
    // own, and which reservation holds them.
    const mine = await hold(e, "rsv_again", ["A-2-5"]).catch((x) => x);
    expect(mine.metadata.held_by_you).toBe("true");
    expect(mine.metadata.your_holds).toBe("rsv_first");
  });

  test("losers racing for held seats at once are refused on one consistent read between them, each naming its own seats", async () => {
    const e = await newEvent();
    await hold(e, "rsv_winner", ["A-3-1", "A-3-2", "A-3-3"]);
    const reads = await requests("BatchGetItem");
    // Ten buyers at once, each for a pair of the held seats (the same seats, asked many times over).
    const pairs = Array.from({ length: 10 }, (_, i) => [`A-3-${(i % 3) + 1}`, `A-3-${((i + 1) % 3) + 1}`]);
    const refusals = await Promise.all(
      pairs.map((seatIds, i) =>
        core.inventory
          .reserve({
            reservationId: `rsv_loser_${i}`,
            eventId: e.eventId,
            seatIds,
            quantity: 0,
            sectionId: "",
            userId: `u${i}`,
          })
          .catch((x) => x),
      ),
    );
    refusals.forEach((err, i) => {
      expect(err.code).toBe("SEAT_UNAVAILABLE");
      expect(String(err.metadata.seat_ids).split(",").sort()).toEqual([...(pairs[i] as string[])].sort());
    });
    expect(await requests("BatchGetItem")).toBe(reads + 1);
  });

  test("a seat the map still shows held but the store has freed is held: the map alone never refuses", async () => {
    const e = await newEvent();
    await hold(e, "rsv_gone", ["A-2-7"]);
    // Freed behind the map's back (as a release whose map update was lost).
    await b.dynamo.send(
      new UpdateItemCommand({
        TableName: `${b.stage}-seats`,
        Key: seatKey(e.eventId, "A-2-7", e.seatShards),
        UpdateExpression: "SET #s = :a REMOVE holder, hold_expires_at",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":a": { S: "AVAILABLE" } },
      }),
    );
    await hold(e, "rsv_next", ["A-2-7"]);
    expect(await storedSeat(e, "A-2-7")).toEqual({ status: "HELD", holder: "rsv_next" });
  });

  test("a seat whose hold has passed can be held by the next buyer without any release", async () => {
    const e = await newEvent();
    await hold(e, "rsv_old", ["A-3-1"], Date.now() + 150);
    await Bun.sleep(200);
    await hold(e, "rsv_new", ["A-3-1"]);
    expect(await storedSeat(e, "A-3-1")).toEqual({ status: "HELD", holder: "rsv_new" });
  });

  test("a reservation cannot hold a second, different set of seats", async () => {
    const e = await newEvent();
    await hold(e, "rsv_two", ["A-4-1"]);
    expect(await codeOf(hold(e, "rsv_two", ["A-4-2"]))).toBe("INVALID_STATE");
  });
});

describe("committing", () => {
  test("a commit naming only some of the held seats sells none of them", async () => {
    const e = await newEvent();
    await hold(e, "rsv_part", ["B-2-1", "B-2-2"]);
    const partial = core.inventory.commit({
      reservationId: "rsv_part",
      eventId: e.eventId,
      seatIds: ["B-2-1"],
      orderId: "o",
    });
    expect(await codeOf(partial)).toBe("VALIDATION_FAILED");
    expect((await storedSeat(e, "B-2-1")).status).toBe("HELD");
    const whole = await core.inventory.commit({
      reservationId: "rsv_part",
      eventId: e.eventId,
      seatIds: ["B-2-2", "B-2-1"],
      orderId: "o",
    });
    expect(whole.status).toBe("SOLD");
    expect((await storedSeat(e, "B-2-1")).status).toBe("SOLD");
  });

  test("turns held seats into sold seats, and repeating the commit changes nothing", async () => {
    const e = await newEvent();
    await hold(e, "rsv_c", ["A-1-1", "A-1-2"]);
    const c = { reservationId: "rsv_c", eventId: e.eventId, seatIds: [], orderId: "ord_1" };
    const first = await core.inventory.commit(c);
    const again = await core.inventory.commit(c);
    expect(first.seatIds).toEqual(["A-1-1", "A-1-2"]);
    expect(again.committedAt).toBe(first.committedAt);
    expect(await storedSeat(e, "A-1-2")).toEqual({ status: "SOLD", holder: "rsv_c" });
    expect(await hold(e, "rsv_c", ["A-1-1", "A-1-2"]).then((h) => h.status)).toBe("SOLD");
  });

  test("refuses a commit after the hold has passed with RESERVATION_EXPIRED", async () => {
    const e = await newEvent();
    await hold(e, "rsv_late", ["A-2-1"], Date.now() + 100);
    await Bun.sleep(150);
    const c = { reservationId: "rsv_late", eventId: e.eventId, seatIds: [], orderId: "ord_2" };
    expect(await codeOf(core.inventory.commit(c))).toBe("RESERVATION_EXPIRED");
    expect((await storedSeat(e, "A-2-1")).status).toBe("HELD");
  });

  test("refuses a commit when the lapsed seats were taken by another reservation", async () => {
    const e = await newEvent();
    await hold(e, "rsv_slow", ["A-2-2"], Date.now() + 100);
    await Bun.sleep(150);
    await hold(e, "rsv_fast", ["A-2-2"]);
    const c = { reservationId: "rsv_slow", eventId: e.eventId, seatIds: [], orderId: "ord_3" };
    expect(await codeOf(core.inventory.commit(c))).toBe("RESERVATION_EXPIRED");
    expect(await storedSeat(e, "A-2-2")).toEqual({ status: "HELD", holder: "rsv_fast" });
  });

  test("refuses to commit seats for a reservation that never held any", async () => {
    const e = await newEvent();
    const c = { reservationId: "rsv_none", eventId: e.eventId, seatIds: [], orderId: "" };
    expect(await codeOf(core.inventory.commit(c))).toBe("RESERVATION_NOT_FOUND");
  });
});

describe("releasing", () => {
  test("a hold nobody released is freed in the store by the next rebuild, once past its hold plus 5 s", async () => {
    const e = await newEvent();
    await hold(e, "rsv_lapsed", ["A-1-1"], Date.now() + 200);
    await hold(e, "rsv_live", ["A-1-2"]);
    const sold = await hold(e, "rsv_sold", ["A-1-3"]);
    await core.inventory.commit({
      reservationId: "rsv_sold",
      eventId: e.eventId,
      seatIds: sold.seatIds,
      orderId: "ord_1",
    });
    await core.maps.rebuild(e);
    expect(await storedSeat(e, "A-1-1")).toEqual({ status: "HELD", holder: "rsv_lapsed" });

    await Bun.sleep(5_300);
    await core.maps.rebuild(e);
    expect(await storedSeat(e, "A-1-1")).toEqual({ status: "AVAILABLE", holder: undefined });
    expect(await storedSeat(e, "A-1-2")).toEqual({ status: "HELD", holder: "rsv_live" });
    expect(await storedSeat(e, "A-1-3")).toEqual({ status: "SOLD", holder: "rsv_sold" });
  }, 15_000);

  const release = (e: EventInfo, reservationId: string) =>
    core.inventory.release({ reservationId, eventId: e.eventId, seatIds: [], reason: "CANCELLED" });

  test("frees the reservation's seats once; a second release frees nothing", async () => {
    const e = await newEvent();
    await hold(e, "rsv_r", ["A-1-1", "A-1-2"]);
    expect(await release(e, "rsv_r")).toEqual(["A-1-1", "A-1-2"]);
    expect(await release(e, "rsv_r")).toEqual([]);
    expect(await storedSeat(e, "A-1-1")).toEqual({ status: "AVAILABLE", holder: undefined });
  });

  test("never frees a sold seat", async () => {
    const e = await newEvent();
    await hold(e, "rsv_sold", ["A-2-1"]);
    await core.inventory.commit({ reservationId: "rsv_sold", eventId: e.eventId, seatIds: [], orderId: "o" });
    expect(await release(e, "rsv_sold")).toEqual([]);
    const explicit = await core.inventory.release({
      reservationId: "rsv_sold",
      eventId: e.eventId,
      seatIds: ["A-2-1"],
      reason: "EXPIRED",
    });
    expect(explicit).toEqual([]);
    expect((await storedSeat(e, "A-2-1")).status).toBe("SOLD");
  });

  test("never frees a seat re-held by another reservation after the hold lapsed", async () => {
    const e = await newEvent();
    await hold(e, "rsv_gone", ["A-3-1", "A-3-2"], Date.now() + 100);
    await Bun.sleep(150);
    await hold(e, "rsv_next", ["A-3-2"]);
    expect(await release(e, "rsv_gone")).toEqual(["A-3-1"]);
    expect(await storedSeat(e, "A-3-2")).toEqual({ status: "HELD", holder: "rsv_next" });
  });

  test("a hold that lands after its reservation's release is refused: no ghost", async () => {
    const e = await newEvent();
    // The compensation got there first (the hold was still on its way, or never sent)...
    expect(await release(e, "rsv_late")).toEqual([]);
    // ...so the late hold must not take the seats for a reservation that is gone.
    expect(await codeOf(hold(e, "rsv_late", ["A-5-1", "A-5-2"]))).toBe("INVALID_STATE");
    expect(await storedSeat(e, "A-5-1")).toEqual({ status: "AVAILABLE", holder: undefined });
    // Anyone else may have them.
    expect((await hold(e, "rsv_other", ["A-5-1", "A-5-2"])).seatIds).toEqual(["A-5-1", "A-5-2"]);
  });

  test("an expiry of a reservation that never held anything (a lost race's timer) writes no record", async () => {
    const e = await newEvent();
    const updates = await requests("UpdateItem");
    const expiry = { reservationId: "rsv_lost", eventId: e.eventId, seatIds: [], reason: "EXPIRED" };
    expect(await core.inventory.release(expiry)).toEqual([]);
    expect(await requests("UpdateItem")).toBe(updates + 1);
    const { Item } = await b.dynamo.send(
      new GetItemCommand({
        TableName: `${b.stage}-seats`,
        Key: holdKey("rsv_lost", e.eventId),
        ConsistentRead: true,
      }),
    );
    expect(Item).toBeUndefined();
  });

  test("a release that does not know the seats frees what the hold took", async () => {
    const e = await newEvent();
    await core.inventory.reserve({
      reservationId: "rsv_qty",
      eventId: e.eventId,
      seatIds: [],
      quantity: 2,
      sectionId: "B",
      userId: "u1",
    });
    expect(await release(e, "rsv_qty")).toHaveLength(2);
  });

  test("a seat the map shows SOLD is refused at once, naming it", async () => {
    const e = await newEvent();
    await hold(e, "rsv_s1", ["A-4-5"]);
    await core.inventory.commit({ reservationId: "rsv_s1", eventId: e.eventId, seatIds: [], orderId: "o" });
    const [before, gets, batches] = [
      await transactions(),
      await requests("GetItem"),
      await requests("BatchGetItem"),
    ];
    const error = await hold(e, "rsv_s2", ["A-4-5", "A-4-6"]).catch((x) => x);
    expect(error.code).toBe("SEAT_UNAVAILABLE");
    expect(error.metadata.seat_ids).toBe("A-4-5");
    // The buyer who bought it is told so (reservation then looks in its own records), with no
    // hold of theirs named: the seat is sold, not held…
    expect(error.metadata.held_by_you).toBe("true");
    expect(error.metadata.your_holds).toBeUndefined();
    // …on the one consistent seat read the turn's refusals share: no transaction, no lone read.
    expect(await transactions()).toBe(before);
    expect(await requests("GetItem")).toBe(gets);
    expect(await requests("BatchGetItem")).toBe(batches + 1);
    expect(await storedSeat(e, "A-4-6")).toEqual({ status: "AVAILABLE", holder: undefined });
    // Another buyer is refused without being sent to its records.
    const other = await core.inventory
      .reserve({
        reservationId: "rsv_s3",
        eventId: e.eventId,
        seatIds: ["A-4-5"],
        quantity: 0,
        sectionId: "",
        userId: "u9",
      })
      .catch((x) => x);
    expect(other.code).toBe("SEAT_UNAVAILABLE");
    expect(other.metadata.held_by_you).toBeUndefined();
    // The reservation that bought it may still re-send its own hold.
    expect((await hold(e, "rsv_s1", ["A-4-5"])).status).toBe("SOLD");
  });

  test("a released reservation cannot commit", async () => {
    const e = await newEvent();
    await hold(e, "rsv_rc", ["A-4-1"]);
    await release(e, "rsv_rc");
    const c = { reservationId: "rsv_rc", eventId: e.eventId, seatIds: [], orderId: "o" };
    expect(await codeOf(core.inventory.commit(c))).toBe("INVALID_STATE");
  });
});
