// Zero oversell under contention, against DynamoDB Local: hundreds of distinct reservations race
// for overlapping multi-seat holds over 50 seats, with long holds and with holds that lapse mid-test.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AppError } from "@tt/kit";
import type { EventInfo, Seat } from "../src/domain/model.ts";
import { type Backends, buildOn, eventId, saleNow, startBackends } from "./support.ts";

let b: Backends;
let core: ReturnType<typeof buildOn>;

beforeAll(async () => {
  b = await startBackends();
  core = buildOn(b);
}, 60_000);

afterAll(() => b?.stop());

const ATTEMPTS = 520;
// Section A of the test event: 5 rows × 10 = the 50 contested seats.
const SEATS = Array.from({ length: 50 }, (_, i) => `A-${Math.floor(i / 10) + 1}-${(i % 10) + 1}`);

interface Attempt {
  reservationId: string;
  seatIds: string[];
  startedAt: number;
  endedAt: number;
  holdExpiresAt: number;
  outcome: string;
}

/** 1–4 seats from a random window of the seat list, so requests overlap heavily. */
function randomSeats(): string[] {
  const size = 1 + Math.floor(Math.random() * 4);
  const start = Math.floor(Math.random() * (SEATS.length - 8));
  const window = SEATS.slice(start, start + 8);
  return window.sort(() => Math.random() - 0.5).slice(0, size);
}

async function attempt(e: EventInfo, n: number, delayMs: number, holdMs: number): Promise<Attempt> {
  await Bun.sleep(delayMs);
  const a = { reservationId: `rsv_c${n}`, seatIds: randomSeats(), startedAt: Date.now(), endedAt: 0 };
  const holdExpiresAt = a.startedAt + holdMs;
  let outcome = "ok";
  try {
    const input = { ...a, eventId: e.eventId, quantity: 0, sectionId: "", userId: `u${n}`, holdExpiresAt };
    await core.inventory.reserve(input);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    outcome = error.code;
  }
  return { ...a, holdExpiresAt, outcome, endedAt: Date.now() };
}

function seatsOf(list: Attempt[]): string[] {
  return list.flatMap((a) => a.seatIds);
}

async function storedSeats(e: EventInfo): Promise<Map<string, Seat>> {
  return new Map((await core.maps.rebuild(e).then(() => loadAll(e))).map((s) => [s.seatId, s]));
}

async function loadAll(e: EventInfo): Promise<Seat[]> {
  const { DynamoSeatStore } = await import("../src/adapters/seat-store.dynamo.ts");
  return new DynamoSeatStore(b.dynamo, `${b.stage}-seats`).loadSeats(e);
}

describe("concurrent holds over 50 seats", () => {
  test("520 racing reservations with long holds: winners are disjoint and own exactly the held seats", async () => {
    const { event: e } = await core.events.create(saleNow(eventId()));
    const attempts = await Promise.all(Array.from({ length: ATTEMPTS }, (_, n) => attempt(e, n, 0, 60_000)));
    const outcomes = new Set(attempts.map((a) => a.outcome));
    expect(
      [...outcomes].filter((o) => !["ok", "SEAT_UNAVAILABLE", "INVENTORY_CONFLICT"].includes(o)),
    ).toEqual([]);

    const winners = attempts.filter((a) => a.outcome === "ok");
    const won = seatsOf(winners);
    expect(new Set(won).size).toBe(won.length); // no seat went to two live reservations
    expect(winners.length).toBeGreaterThan(10);
    expect(attempts.filter((a) => a.outcome === "SEAT_UNAVAILABLE").length).toBeGreaterThan(ATTEMPTS / 2);

    const stored = await storedSeats(e);
    const ownerOf = new Map(winners.flatMap((a) => a.seatIds.map((s) => [s, a.reservationId] as const)));
    const held = SEATS.filter((s) => stored.get(s)?.status === "HELD");
    expect(held.sort()).toEqual([...won].sort()); // the winners account for every held seat
    for (const s of held) expect(stored.get(s)?.holder).toBe(ownerOf.get(s) as string);

    // The read cache agrees with the store once rebuilt.
    const status = await core.inventory.status(e.eventId, false);
    expect(status.sections.find((c) => c.sectionId === "A")?.held).toBe(won.length);
  }, 30_000);

  test("520 reservations with holds that lapse mid-test: overlapping winners never overlap in time", async () => {
    const { event: e } = await core.events.create(saleNow(eventId()));
    const holdMs = 250;
    const attempts = await Promise.all(
      Array.from({ length: ATTEMPTS }, (_, n) => attempt(e, n, Math.random() * 1_500, holdMs)),
    );
    const bad = attempts.filter((a) => !["ok", "SEAT_UNAVAILABLE", "INVENTORY_CONFLICT"].includes(a.outcome));
    expect(bad).toEqual([]);
    const winners = attempts.filter((a) => a.outcome === "ok");
    // Lapsed holds free their seats for later buyers: more winners than one round of seats allows.
    expect(seatsOf(winners).length).toBeGreaterThan(SEATS.length);

    // Two winners sharing a seat: one must have finished after the other's hold had passed.
    for (const seat of SEATS) {
      const owners = winners.filter((a) => a.seatIds.includes(seat)).sort((x, y) => x.endedAt - y.endedAt);
      for (let i = 1; i < owners.length; i++) {
        const [prev, next] = [owners[i - 1] as Attempt, owners[i] as Attempt];
        const disjointInTime = prev.holdExpiresAt < next.endedAt || next.holdExpiresAt < prev.endedAt;
        expect({ seat, prev: prev.reservationId, next: next.reservationId, disjointInTime }).toMatchObject({
          disjointInTime: true,
        });
      }
    }

    // Every seat's final owner is a winner that asked for it, and the latest such winner.
    const stored = await storedSeats(e);
    for (const seat of SEATS) {
      const s = stored.get(seat);
      if (s?.status !== "HELD") continue;
      const owner = winners.find((a) => a.reservationId === s.holder);
      expect(owner?.seatIds).toContain(seat);
      const later = winners.filter((a) => a.seatIds.includes(seat) && a.startedAt > (owner?.endedAt ?? 0));
      expect(later.map((a) => a.reservationId)).toEqual([]);
    }
  }, 30_000);
});
