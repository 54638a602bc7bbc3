// The reservation lifecycle end to end: DynamoDB Local, fauxqs, the real inventory service (a
// child process with its own tables) and the payment double; holds last 3 s here.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import { create as message } from "@bufbuild/protobuf";
import { events } from "@tt/contracts";
import {
  createLogger,
  createSqsClient,
  encodeEvent,
  fromConnectError,
  newEvent,
  Outbox,
  queueNames,
  queueUrl,
  tableName,
} from "@tt/kit";
import { eventually } from "@tt/kit/testing";
import { startPlatform } from "./support/platform.ts";

const HOLD_SECONDS = 3;
const EVENT = `evt_life_${Date.now().toString(36)}`;
let p: Awaited<ReturnType<typeof startPlatform>>;

beforeAll(async () => {
  p = await startPlatform({ holdSeconds: HOLD_SECONDS, env: { SWEEP_GRACE_MS: "1000" } });
  await p.createEvent(EVENT);
}, 60_000);

afterAll(async () => {
  await p?.stop();
});

const codeOf = async (promise: Promise<unknown>) => fromConnectError(await promise.catch((e) => e)).code;
const create = (userId: string, seatIds: string[], idempotencyKey: string = crypto.randomUUID()) =>
  p.rsv.createReservation({ eventId: EVENT, userId, seatIds, idempotencyKey });

describe("reservation lifecycle", () => {
  test("create → confirm: seats sold, one order, events created then confirmed", async () => {
    const { reservation: r } = await create("u-confirm", ["A-1-1", "A-1-2"]);
    expect(r?.status).toBe(1); // HOLD
    expect(Number(r?.totalAmount)).toBe(100_000);
    expect(await p.available(EVENT, ["A-1-1"])).toBe(false);
    const id = r?.reservationId ?? "";
    p.payments.approve("pi_confirm", id, 100_000);

    const confirmed = await p.rsv.confirmReservation({
      reservationId: id,
      userId: "u-confirm",
      paymentIntentId: "pi_confirm",
    });
    const again = await p.rsv.confirmReservation({
      reservationId: id,
      userId: "u-confirm",
      paymentIntentId: "pi_confirm",
    });
    expect(confirmed.orderId).toMatch(/^ord_[0-9a-f]{32}$/);
    expect(again.orderId).toBe(confirmed.orderId);
    const { order } = await p.rsv.getOrder({ orderId: confirmed.orderId, userId: "u-confirm" });
    expect(order?.seatIds).toEqual(["A-1-1", "A-1-2"]);
    const seats = await p.inv.getInventoryStatus({ eventId: EVENT, includeSeats: true });
    expect(
      seats.seats.filter((s) => s.seatId === "A-1-1" || s.seatId === "A-1-2").map((s) => s.status),
    ).toEqual([3, 3]);

    await eventually(() => p.queue.types(id).length >= 2, 5000);
    await Bun.sleep(300);
    expect(p.queue.types(id)).toEqual(["reservation.created", "reservation.confirmed"]);
  });

  test("create → cancel: seats free again, events created then cancelled", async () => {
    const { reservation: r } = await create("u-cancel", ["A-2-1"]);
    const id = r?.reservationId ?? "";
    const { reservation } = await p.rsv.cancelReservation({ reservationId: id, userId: "u-cancel" });
    expect(reservation?.status).toBe(3); // CANCELLED
    expect(await p.available(EVENT, ["A-2-1"])).toBe(true);
    await eventually(() => p.queue.types(id).length >= 2, 5000);
    await Bun.sleep(300);
    expect(p.queue.types(id)).toEqual(["reservation.created", "reservation.cancelled"]);
  });

  test("create → expire: the timer's message arrives at the hold time, expiring frees the seats once", async () => {
    const { reservation: r } = await create("u-expire", ["A-3-1", "A-3-2"]);
    const id = r?.reservationId ?? "";
    const createdAt = Date.now();
    // The test plays the worker: it waits for the timer's message, then calls Expire.
    await eventually(
      () => p.queue.about(id).some((e) => e.source === "reservation.timer"),
      (HOLD_SECONDS + 5) * 1000,
    );
    expect(Date.now() - createdAt).toBeGreaterThanOrEqual(HOLD_SECONDS * 1000 - 1000);
    const first = await p.rsv.expireReservation({ reservationId: id });
    const second = await p.rsv.expireReservation({ reservationId: id });
    expect([first.changed, first.reservation?.status]).toEqual([true, 4]); // EXPIRED
    expect(second.changed).toBe(false);
    expect(await p.available(EVENT, ["A-3-1", "A-3-2"])).toBe(true);
    await eventually(() => p.queue.types(id).length >= 2, 5000);
    await Bun.sleep(300);
    expect(p.queue.types(id)).toEqual(["reservation.created", "reservation.expired"]);
  }, 15_000);

  test("confirm after expiry → RESERVATION_EXPIRED, the payment refunded, no order", async () => {
    const { reservation: r } = await create("u-late", ["A-4-1"]);
    const id = r?.reservationId ?? "";
    p.payments.approve("pi_late", id, 50_000);
    await Bun.sleep(HOLD_SECONDS * 1000 + 100);
    const late = p.rsv.confirmReservation({
      reservationId: id,
      userId: "u-late",
      paymentIntentId: "pi_late",
    });
    expect(await codeOf(late)).toBe("RESERVATION_EXPIRED");
    expect(p.payments.refunds.map((x) => x.paymentIntentId)).toEqual(["pi_late"]);
    expect(await codeOf(p.rsv.getOrder({ orderId: id.replace("rsv_", "ord_"), userId: "u-late" }))).toBe(
      "NOT_FOUND",
    );
    await Bun.sleep(300);
    expect(p.queue.types(id)).toEqual(["reservation.created"]);
  }, 15_000);

  test("the sweeper expires a hold whose timer never came", async () => {
    const { reservation: r } = await create("u-sweep", ["A-5-1"]);
    const id = r?.reservationId ?? "";
    await Bun.sleep((HOLD_SECONDS + 1) * 1000 + 100); // hold + the 1 s grace set above
    expect(await p.app.domain.sweep()).toBeGreaterThanOrEqual(1);
    const { reservation } = await p.rsv.getReservation({ reservationId: id, userId: "u-sweep" });
    expect(reservation?.status).toBe(4);
    await eventually(() => p.queue.types(id).includes("reservation.expired"), 5000);
  }, 20_000);

  test("every event goes out at commit, in order per reservation, without any poll", async () => {
    // The sweep is off in this suite (a 10-minute staleness): only the writers publish.
    const ids = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const { reservation: r } = await create(`u-outbox-${i}`, [`A-6-${i + 1}`]);
        const id = r?.reservationId ?? "";
        await p.rsv.cancelReservation({ reservationId: id, userId: `u-outbox-${i}` });
        return id;
      }),
    );
    await eventually(() => ids.every((id) => p.queue.types(id).length >= 2), 5000);
    await Bun.sleep(300);
    for (const id of ids) expect(p.queue.types(id)).toEqual(["reservation.created", "reservation.cancelled"]);
    // Published records are deleted: nothing is left for a sweep.
    expect(await p.app.outbox.sweep()).toBe(0);
  }, 15_000);

  /** An outbox of its own (swept after 1 s) and a reservation.created record nobody published. */
  async function orphan(
    name: string,
    record: { ageMs: number; delaySeconds?: number },
    wrapUrl: (url: () => Promise<string>) => () => Promise<string> = (url) => url,
  ) {
    const sqs = createSqsClient({ region: "us-east-1", endpoint: p.sqsEndpoint });
    const outbox = new Outbox({
      ddb: p.ddb,
      sqs,
      table: tableName(p.stage, "outbox"),
      queueUrl: wrapUrl(queueUrl(sqs, queueNames(p.stage).events)),
      log: createLogger("test", "error"),
      staleMs: 1000,
    });
    const id = `rsv_${name}_${Date.now()}`;
    const detail = message(events.ReservationCreatedSchema, { reservationId: id, eventId: EVENT });
    const body = encodeEvent(newEvent("reservation", { case: "reservationCreated", value: detail }));
    const { delaySeconds } = record;
    const put = outbox.put({
      pk: `RES#${id}`,
      sk: "EVT#00000001",
      body,
      type: "reservation.created",
      at: Date.now() - record.ageMs,
      ...(delaySeconds ? { delaySeconds } : {}),
    });
    // Committed, but its writer never got to publish it.
    await p.ddb.send(new TransactWriteItemsCommand({ TransactItems: [put] }));
    return { id, outbox, done: () => sqs.destroy() };
  }

  test("a record whose writer died before publishing it goes out with the next sweep", async () => {
    const { id, outbox, done } = await orphan("orphan", { ageMs: 2000 });
    expect(await outbox.sweep()).toBe(1);
    await eventually(() => p.queue.types(id).includes("reservation.created"), 5000);
    expect(await outbox.sweep()).toBe(0);
    done();
  }, 15_000);

  test("a sweep carries on past a batch the queue refused, and the next sweep sends that one", async () => {
    // The first send of this outbox fails (the queue unreachable for a moment).
    let calls = 0;
    const flaky = (url: () => Promise<string>) => async () => {
      calls += 1;
      if (calls === 1) throw new Error("queue unreachable (test)");
      return url();
    };
    const records = [];
    for (let i = 0; i < 11; i++)
      records.push(await orphan(`flaky${i}`, { ageMs: 2000 }, i === 0 ? flaky : undefined));
    const [first, ...others] = records;
    if (!first) throw new Error("no records");
    // One sweep sees all eleven (two batches): the failed batch does not stop the other.
    const sent = await first.outbox.sweep();
    expect(sent).toBeGreaterThanOrEqual(1);
    expect(sent).toBeLessThan(11);
    expect(sent + (await first.outbox.sweep())).toBeGreaterThanOrEqual(11);
    for (const r of records)
      await eventually(() => p.queue.types(r.id).includes("reservation.created"), 5000);
    for (const r of [first, ...others]) r.done();
  }, 20_000);

  test("a timer the sweep publishes late fires when it was due, not a whole delay after the sweep", async () => {
    // Written 4 s ago with a 5 s delay by a writer that died: 1 s of it is left.
    const { id, outbox, done } = await orphan("late_timer", { ageMs: 4000, delaySeconds: 5 });
    expect(await outbox.sweep()).toBe(1);
    const sweptAt = Date.now();
    await eventually(() => p.queue.types(id).includes("reservation.created"), 4000);
    // Due 1 s after the sweep; the full 5 s delay would have taken until 5 s after it.
    expect(Date.now() - sweptAt).toBeLessThan(3500);
    done();
  }, 15_000);
});
