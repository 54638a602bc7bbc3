// A hold whose create failed or was abandoned leaves no seat HELD by nobody, over fakes: the
// compensation after a failed write, the hold timer's first look at the create's deadline (which
// gives up an id no reservation was stored under), and a buyer's retry that must not lose to its
// own such attempt. The same on the real platform: gateway/test/api/crash-*.test.ts.
import { beforeEach, describe, expect, test } from "bun:test";
import { eventually } from "@tt/kit/testing";
import { DEFAULT_SETTINGS } from "../../src/domain/deps.ts";
import { Reservations } from "../../src/domain/reservations.ts";
import { codeOf, createFor, freshDomain, KEY } from "../support/domain.ts";
import type { fakeDeps } from "../support/fakes.ts";

let f: ReturnType<typeof fakeDeps>;
let svc: Reservations;

const create = (over: Parameters<typeof createFor>[2] = {}) => createFor(svc, f.clock, over);

beforeEach(() => {
  ({ f, svc } = freshDomain());
});

describe("the hold timer's first look", () => {
  test("the timer's first look at a HOLD stored here arms it for the hold time, with no read", async () => {
    const { value: r } = await create();
    f.store.reads = 0;
    f.clock.advance(2_000);
    const look = await svc.expire(r.id, "evt_1");
    expect([look.changed, look.reservation.status, f.store.reads]).toEqual([false, "HOLD", 0]);
    expect(f.timer.dueAt).toEqual([r.createdAt + 2_000, r.holdExpiresAt]);
    // Another replica (or this one after a restart) reads the HOLD and arms it the same way.
    const other = new Reservations(f.deps, DEFAULT_SETTINGS);
    expect((await other.expire(r.id, "evt_1")).changed).toBe(false);
    expect([f.store.reads, f.timer.dueAt.at(-1)]).toEqual([1, r.holdExpiresAt]);
    expect(f.store.abandoned.size).toBe(0);
  });

  test("the timer is armed as inventory is asked: a process that dies mid-create leaves no seat HELD by nobody past the first look", async () => {
    // Inventory has the hold request, and the process is killed before its own commit.
    let land = () => undefined as unknown;
    const hold = f.inventory.hold.bind(f.inventory);
    f.inventory.hold = (req) => new Promise((resolve) => (land = () => resolve(hold(req))));
    f.store.create = () => new Promise<never>(() => undefined);
    void create();
    await Bun.sleep(10);
    const [timer] = f.timer.scheduled;
    expect(timer?.eventId).toBe("evt_1");
    land();
    await Bun.sleep(10);
    const id = timer?.reservationId ?? "";
    expect(f.inventory.holderOf("A-1-1")).toBe(id);
    // Its timer's first look, 2 s on, finds no reservation: the id is marked abandoned and
    // what it holds is freed, not a minute later at the hold time.
    f.clock.advance(2_000);
    const restarted = new Reservations(f.deps, DEFAULT_SETTINGS);
    expect(await codeOf(restarted.expire(id, "evt_1"))).toBe("RESERVATION_NOT_FOUND");
    expect(f.inventory.holderOf("A-1-1")).toBeUndefined();
    expect(f.inventory.releases).toEqual([{ reservationId: id, reason: "EXPIRED" }]);
    expect([...f.store.abandoned]).toEqual([id]);
  });

  test("a retry after a create died between its hold and its write gets the seats at once, not its own ghost", async () => {
    let land = () => undefined as unknown;
    const hold = f.inventory.hold.bind(f.inventory);
    const store = f.store.create.bind(f.store);
    f.inventory.hold = (req) => new Promise((resolve) => (land = () => resolve(hold(req))));
    f.store.create = () => new Promise<never>(() => undefined);
    void create({ idempotencyKey: KEY });
    await Bun.sleep(10);
    const ghost = f.timer.scheduled[0]?.reservationId ?? "";
    land();
    await Bun.sleep(10);
    expect(f.inventory.holderOf("A-1-1")).toBe(ghost);
    // The process died there. The buyer retries at once, on the restarted process, before the
    // ghost's first look.
    Object.assign(f.inventory, { hold });
    Object.assign(f.store, { create: store });
    svc = new Reservations(f.deps, DEFAULT_SETTINGS);
    const { value: r, replayed } = await create({ idempotencyKey: KEY });
    expect([r.status, replayed, f.inventory.holderOf("A-1-1")]).toEqual(["HOLD", false, r.id]);
    expect([...f.store.abandoned]).toEqual([ghost]);
    expect(f.inventory.releases).toEqual([{ reservationId: ghost, reason: "EXPIRED" }]);
  });

  test("a buyer's live reservation on the seats still refuses another: nothing is given up", async () => {
    f.policies.byEvent.set("evt_1", { maxLiveReservations: 2 });
    const { value: first } = await create();
    expect(await codeOf(create())).toBe("SEAT_UNAVAILABLE");
    expect(f.inventory.holderOf("A-1-1")).toBe(first.id);
    expect(f.store.abandoned.size).toBe(0);
    expect(f.inventory.releases).toEqual([]);
  });

  test("a create still on its way when its first look gives it up fails, and gives its seats back", async () => {
    let land = () => undefined as unknown;
    const hold = f.inventory.hold.bind(f.inventory);
    f.inventory.hold = (req) => new Promise((resolve) => (land = () => resolve(hold(req))));
    const slow = create();
    await Bun.sleep(10);
    const id = f.timer.scheduled[0]?.reservationId ?? "";
    // The look, on another replica, comes while the hold is still on its way.
    f.clock.advance(2_000);
    const other = new Reservations(f.deps, DEFAULT_SETTINGS);
    expect(await codeOf(other.expire(id, "evt_1"))).toBe("RESERVATION_NOT_FOUND");
    land();
    expect(await codeOf(slow)).toBe("UPSTREAM_TIMEOUT");
    expect(f.store.reservations.size).toBe(0);
    expect(f.inventory.holderOf("A-1-1")).toBeUndefined();
    expect(f.inventory.releases.map((x) => x.reason)).toEqual(["EXPIRED", "COMPENSATION"]);
  });

  test("a race lost in the transaction: its timer, in the process that lost it, costs no read and no release", async () => {
    await create();
    // The seat was taken between the precheck and the transaction (the precheck saw it free).
    f.inventory.precheck = async () => undefined;
    f.store.reads = 0;
    expect(await codeOf(create({ userId: "u2" }))).toBe("SEAT_UNAVAILABLE");
    const lost = f.timer.scheduled[1];
    expect(lost?.eventId).toBe("evt_1");
    f.clock.advance(60_000);
    expect(await codeOf(svc.expire(lost?.reservationId ?? "", "evt_1"))).toBe("RESERVATION_NOT_FOUND");
    expect(f.store.reads).toBe(0);
    expect(f.inventory.releases).toEqual([]);
  });

  test("a timer without its event (an older message) answers RESERVATION_NOT_FOUND and frees nothing", async () => {
    expect(await codeOf(svc.expire("rsv_00000000000000000000000000000000"))).toBe("RESERVATION_NOT_FOUND");
    expect(f.inventory.releases).toEqual([]);
  });
});

describe("the compensation of a failed write", () => {
  test("when the write after a successful hold fails, the seats are released", async () => {
    f.store.failCreate = true;
    expect(await codeOf(create())).toBe("UPSTREAM_UNAVAILABLE");
    expect(f.inventory.releases).toEqual([
      { reservationId: "rsv_00000000000000000000000000000001", reason: "COMPENSATION" },
    ]);
    expect(f.inventory.holderOf("A-1-1")).toBeUndefined();
  });

  test("a compensation that finds inventory away is tried again until it lands, not given up after a second", async () => {
    f.store.failCreate = true;
    f.inventory.failRelease = true;
    expect(await codeOf(create())).toBe("UPSTREAM_UNAVAILABLE");
    // Inventory restarting: away for 2.5 s.
    await Bun.sleep(2500);
    expect(f.inventory.holderOf("A-1-1")).toBeDefined();
    f.inventory.failRelease = false;
    const back = Date.now();
    await eventually(() => f.inventory.holderOf("A-1-1") === undefined, 3000, 20);
    expect(Date.now() - back).toBeLessThan(1500);
    expect(f.inventory.releases).toHaveLength(1);
  });

  test("a compensation that inventory is too slow to answer is tried three more times, not hammered", async () => {
    f.store.failCreate = true;
    f.inventory.failRelease = true;
    f.inventory.releaseFailure = "UPSTREAM_TIMEOUT";
    await create().catch(() => undefined);
    await Bun.sleep(2500);
    expect(f.inventory.releaseCalls).toBe(4);
  });

  test("when the compensation fails too, the seats are free once the hold time passes", async () => {
    f.store.failCreate = true;
    f.inventory.failRelease = true;
    await create().catch(() => undefined);
    expect(f.inventory.holderOf("A-1-1")).toBeDefined();
    f.clock.advance(60_000);
    expect(f.inventory.holderOf("A-1-1")).toBeUndefined();
  });
});
