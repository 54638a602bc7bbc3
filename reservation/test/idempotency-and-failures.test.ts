// Idempotency under real concurrency, injected crashes between hold and write, bad input and
// the REST/metrics surface — against DynamoDB Local, fauxqs and the real inventory service.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import { AppError, devAuthorization, fromConnectError, idempotencyPut, judge, tableName } from "@tt/kit";
import { admissionToken } from "@tt/kit/testing";
import { DynamoIdempotencyStore } from "../src/adapters/idempotency-store.dynamo.ts";
import type { InventoryGateway, ReservationStore } from "../src/domain/ports.ts";
import { startPlatform } from "./support/platform.ts";

const HOLD_SECONDS = 2;
const EVENT = `evt_idem_${Date.now().toString(36)}`;
// Failures the tests switch on: the store write after a hold, and the compensating release;
// `slowCreate` holds the store write back until the test lets it go, and names its id.
const inject = {
  failCreate: false,
  failRelease: false,
  slowCreate: undefined as undefined | ((id: string) => Promise<void>),
};
let p: Awaited<ReturnType<typeof startPlatform>>;

const failingStore = (store: ReservationStore): ReservationStore =>
  Object.assign(Object.create(store) as ReservationStore, {
    create: async (...args: Parameters<ReservationStore["create"]>) => {
      if (inject.failCreate) throw new AppError("UPSTREAM_UNAVAILABLE", "injected crash");
      await inject.slowCreate?.(args[0].id);
      return store.create(...args);
    },
  });
const failingInventory = (inv: InventoryGateway): InventoryGateway => ({
  precheck: (req) => inv.precheck(req),
  hold: (req) => inv.hold(req),
  commit: (req) => inv.commit(req),
  release: (req) =>
    inject.failRelease
      ? Promise.reject(new AppError("UPSTREAM_UNAVAILABLE", "injected outage"))
      : inv.release(req),
});

beforeAll(async () => {
  p = await startPlatform({
    holdSeconds: HOLD_SECONDS,
    wrapStore: failingStore,
    wrapInventory: failingInventory,
  });
  await p.createEvent(EVENT);
}, 60_000);

afterAll(async () => {
  await p?.stop();
});

const codeOf = async (promise: Promise<unknown>) => fromConnectError(await promise.catch((e) => e)).code;
const create = (userId: string, seatIds: string[], idempotencyKey: string = crypto.randomUUID()) =>
  p.rsv.createReservation({ eventId: EVENT, userId, seatIds, idempotencyKey });

describe("idempotent create", () => {
  test("100 concurrent creates with one key make one reservation and one hold", async () => {
    const key = crypto.randomUUID();
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, () => create("u-burst", ["A-1-1", "A-1-2"], key)),
    );
    const ids = new Set(
      results.flatMap((r) => (r.status === "fulfilled" ? [r.value.reservation?.reservationId ?? ""] : [])),
    );
    const refused = results.flatMap((r) =>
      r.status === "rejected" ? [fromConnectError(r.reason).code] : [],
    );
    expect(ids.size).toBe(1);
    expect(new Set(refused)).toEqual(new Set(refused.length > 0 ? ["IDEMPOTENCY_IN_PROGRESS"] : []));
    const { reservations } = await p.rsv.listReservationsByUser({ userId: "u-burst" });
    expect(reservations.map((r) => r.reservationId)).toEqual([...ids]);
    const [id] = [...ids];
    await Bun.sleep(500);
    expect(p.queue.types(id ?? "")).toEqual(["reservation.created"]);
    // After it finished, the same request replays; a different one under the key conflicts.
    expect((await create("u-burst", ["A-1-1", "A-1-2"], key)).reservation?.reservationId).toBe(id);
    expect(await codeOf(create("u-burst", ["A-1-3"], key))).toBe("IDEMPOTENCY_CONFLICT");
  });

  test("the idempotency record: one per key, replayed, conflicting, and free again past the 5-minute window", async () => {
    const table = tableName(p.stage, "idempotency");
    const scope = { userId: "u-window", key: crypto.randomUUID() };
    const put = (fp: string, now: number) =>
      p.ddb.send(
        new TransactWriteItemsCommand({
          TransactItems: [idempotencyPut(table, { scope, fingerprint: fp }, '{"ok":1}', now)],
        }),
      );
    const t0 = Date.now();
    await put("fp-a", t0);
    // Inside the window the key cannot be recorded twice, whatever the request.
    expect(await put("fp-a", t0 + 10).catch((e) => e.name)).toBe("TransactionCanceledException");
    const record = await new DynamoIdempotencyStore(p.ddb, table).read(scope);
    expect(judge(record, "fp-a", t0 + 20)).toEqual({ kind: "replay", result: '{"ok":1}' });
    expect(judge(record, "fp-b", t0 + 4 * 60_000).kind).toBe("conflict");
    // The record still exists (TTL has not run), yet past the window the key is free again.
    expect(judge(record, "fp-b", t0 + 5 * 60_000 + 1).kind).toBe("fresh");
    await put("fp-b", t0 + 5 * 60_000 + 1);
  });
});

describe("crash between hold and write", () => {
  test("the seats are released at once by the compensation", async () => {
    inject.failCreate = true;
    try {
      expect(await codeOf(create("u-crash", ["A-2-1"]))).toBe("UPSTREAM_UNAVAILABLE");
    } finally {
      inject.failCreate = false;
    }
    expect(await p.available(EVENT, ["A-2-1"])).toBe(true);
  });

  test("with the compensation failing too, the seats are free once the hold time has passed", async () => {
    Object.assign(inject, { failCreate: true, failRelease: true });
    try {
      expect(await codeOf(create("u-crash", ["A-3-1"]))).toBe("UPSTREAM_UNAVAILABLE");
      // The compensation keeps trying in the background for a while; it keeps failing too.
      await Bun.sleep(1000);
      expect(await p.available(EVENT, ["A-3-1"])).toBe(false);
    } finally {
      Object.assign(inject, { failCreate: false, failRelease: false });
    }
    await Bun.sleep(HOLD_SECONDS * 1000 + 100);
    // Lazy expiry: no timer, no sweeper, no reservation row — the next buyer simply gets the seat.
    const { reservation } = await create("u-next", ["A-3-1"]);
    expect(reservation?.seatIds).toEqual(["A-3-1"]);
  }, 10_000);

  test("a write still on its way when the timer's first look gives the hold up fails, and the seats are free", async () => {
    let letGo = () => undefined as unknown;
    const id = Promise.withResolvers<string>();
    inject.slowCreate = (rid) => {
      id.resolve(rid);
      return new Promise((resolve) => (letGo = resolve));
    };
    try {
      const slow = codeOf(create("u-slow", ["A-7-1"]));
      const rid = await id.promise;
      // The first look finds no reservation: it marks the id abandoned and frees the seat.
      expect(await codeOf(p.rsv.expireReservation({ reservationId: rid, eventId: EVENT }))).toBe(
        "RESERVATION_NOT_FOUND",
      );
      expect(await p.available(EVENT, ["A-7-1"])).toBe(true);
      // The write lands on the mark and fails: no HOLD whose seat is free, and the buyer is told.
      letGo();
      expect(await slow).toBe("UPSTREAM_TIMEOUT");
      expect(await codeOf(p.rsv.getReservation({ reservationId: rid, userId: "u-slow" }))).toBe(
        "RESERVATION_NOT_FOUND",
      );
    } finally {
      inject.slowCreate = undefined;
    }
    const { reservation } = await create("u-after-look", ["A-7-1"]);
    expect(reservation?.seatIds).toEqual(["A-7-1"]);
  });
});

describe("an ended hold whose seats could not be given back", () => {
  test("a cancel whose release fails says so, stays cancelled, and its repeat frees the seats", async () => {
    const { reservation } = await create("u-cancel-r", ["A-4-1"]);
    const id = reservation?.reservationId ?? "";
    inject.failRelease = true;
    try {
      expect(await codeOf(p.rsv.cancelReservation({ reservationId: id, userId: "u-cancel-r" }))).toBe(
        "UPSTREAM_UNAVAILABLE",
      );
    } finally {
      inject.failRelease = false;
    }
    const { reservation: after } = await p.rsv.getReservation({ reservationId: id, userId: "u-cancel-r" });
    expect(after?.status).toBe(3); // CANCELLED
    expect(await p.available(EVENT, ["A-4-1"])).toBe(false);
    await p.rsv.cancelReservation({ reservationId: id, userId: "u-cancel-r" });
    expect(await p.available(EVENT, ["A-4-1"])).toBe(true);
  });

  test("an expiry whose release fails is retried by its caller, and the retry frees the seats", async () => {
    const { reservation } = await create("u-expire-r", ["A-4-2"]);
    const id = reservation?.reservationId ?? "";
    await Bun.sleep(HOLD_SECONDS * 1000 + 100);
    inject.failRelease = true;
    try {
      expect((await p.app.domain.expire(id).catch((e: AppError) => e)) instanceof AppError).toBe(true);
    } finally {
      inject.failRelease = false;
    }
    // Still HELD in the store (lapsed, so a buyer could take it, but not given back).
    expect(await p.heldBy(EVENT, "A-4-2")).toBe(id);
    expect((await p.app.domain.expire(id)).reservation.status).toBe("EXPIRED");
    expect(await p.heldBy(EVENT, "A-4-2")).toBeUndefined();
  }, 10_000);
});

describe("bad input and other users", () => {
  test("bad input → the catalogue's codes", async () => {
    expect(await codeOf(p.rsv.createReservation({ eventId: EVENT, userId: "u", seatIds: ["A-4-1"] }))).toBe(
      "IDEMPOTENCY_REQUIRED",
    );
    expect(await codeOf(create("u", ["A-4-1"], "123"))).toBe("INVALID_IDEMPOTENCY_KEY");
    const eleven = Array.from({ length: 11 }, (_, i) => `A-4-${i + 1}`);
    expect(await codeOf(create("u", eleven))).toBe("VALIDATION_FAILED");
    expect(await codeOf(create("u", ["A-4-1", "A-4-1"]))).toBe("VALIDATION_FAILED");
    expect(await codeOf(create("u", ["Z-99-99"]))).toBe("VALIDATION_FAILED");
    expect(
      await codeOf(
        p.rsv.createReservation({
          eventId: "evt_nope",
          userId: "u",
          seatIds: ["A-1-1"],
          idempotencyKey: crypto.randomUUID(),
        }),
      ),
    ).toBe("EVENT_NOT_FOUND");
    expect(await codeOf(p.rsv.getReservation({ reservationId: "x", userId: "u" }))).toBe("VALIDATION_FAILED");
  });

  test("an unknown reservation is RESERVATION_NOT_FOUND, and so is another user's", async () => {
    const { reservation: r } = await create("u-owner", ["A-5-1"]);
    const id = r?.reservationId ?? "";
    expect(
      await codeOf(
        p.rsv.getReservation({ reservationId: "rsv_ffffffffffffffffffffffffffffffff", userId: "u-owner" }),
      ),
    ).toBe("RESERVATION_NOT_FOUND");
    expect(await codeOf(p.rsv.getReservation({ reservationId: id, userId: "u-thief" }))).toBe(
      "RESERVATION_NOT_FOUND",
    );
    expect(await codeOf(p.rsv.cancelReservation({ reservationId: id, userId: "u-thief" }))).toBe(
      "RESERVATION_NOT_FOUND",
    );
    expect(await p.available(EVENT, ["A-5-1"])).toBe(false);
  });
});

describe("REST debug routes, docs and metrics", () => {
  // Called as the developer acting for `user` (the buyer travels in the signed credential).
  const rest = async (path: string, init: RequestInit & { user?: string } = {}) =>
    fetch(`${p.url}${path}`, {
      ...init,
      headers: {
        "content-type": "application/json",
        ...(init.user ? { authorization: await devAuthorization("reservation", init.user) } : {}),
        ...init.headers,
      },
    });

  test("create answers 201 with the documented fields and replays with X-Idempotency-Replayed", async () => {
    const key = crypto.randomUUID();
    const token = admissionToken("u-rest", EVENT);
    const send = () =>
      rest("/v1/reservations", {
        method: "POST",
        user: "u-rest",
        headers: { "idempotency-key": key },
        body: JSON.stringify({ event_id: EVENT, seat_ids: ["A-6-1"], reservation_token: token }),
      });
    const first = await send();
    const body = (await first.json()) as Record<string, string>;
    expect(first.status).toBe(201);
    expect(body).toMatchObject({ status: "HOLD", total_amount: 50_000, currency: "KRW" });
    expect(body.reservation_id).toMatch(/^rsv_/);
    expect(Date.parse(body.hold_expires_at ?? "")).toBeGreaterThan(Date.now());
    const again = await send();
    expect(again.status).toBe(201);
    expect(again.headers.get("x-idempotency-replayed")).toBe("true");
    expect(((await again.json()) as Record<string, string>).reservation_id).toBe(body.reservation_id);

    const theirs = await rest(`/v1/reservations/${body.reservation_id}`, { user: "u-other" });
    expect(theirs.status).toBe(404);
    expect(((await theirs.json()) as { error: { code: string } }).error.code).toBe("RESERVATION_NOT_FOUND");
    // A bare x-user-id header is no identity at all.
    const bare = await rest(`/v1/reservations/${body.reservation_id}`, {
      headers: { "x-user-id": "u-rest" },
    });
    expect(bare.status).toBe(401);
    expect(((await bare.json()) as { error: { code: string } }).error.code).toBe("UNAUTHENTICATED");
  });

  test("the routes are in the OpenAPI document", async () => {
    const doc = (await (await fetch(`${p.url}/swagger/json`)).json()) as { paths: Record<string, unknown> };
    for (const path of [
      "/v1/reservations",
      "/v1/reservations/{id}",
      "/v1/reservations/{id}/confirm",
      "/v1/orders/{id}",
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });

  test("metrics report statuses, idempotency hits and the outbox", async () => {
    await Bun.sleep(300);
    const text = await (await fetch(`${p.url}/metrics`)).text();
    expect(text).toMatch(/reservation_status_total\{status="HOLD",app="reservation"\} \d+/);
    expect(text).toMatch(/idempotency_hits_total\{outcome="replayed",app="reservation"\} [1-9]/);
    expect(text).toMatch(
      /outbox_events_published_total\{type="reservation.created",app="reservation"\} [1-9]/,
    );
    expect(text).toMatch(/outbox_lag_seconds\{app="reservation"\} [\d.]+/);
  });
});
