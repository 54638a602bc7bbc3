// Service identity at the reservation service: reservation, inventory and the payment double run
// with their own keys (as the launcher starts them); calls come as the gateway, the worker,
// services outside reservation's callers, and nobody at all.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { reservation } from "@tt/contracts";
import { type Credentials, createServiceClient } from "@tt/kit";
import { admissionToken, outcome, testIdentities } from "@tt/kit/testing";
import { startPlatform } from "./support/platform.ts";

const EVENT = "evt_identity";
const ids = testIdentities();
let p: Awaited<ReturnType<typeof startPlatform>>;
let held = "";

const as = (credentials?: Credentials) =>
  createServiceClient(reservation.ReservationService, {
    name: "reservation",
    baseUrl: p.url,
    timeoutMs: 10_000,
    retries: 0,
    ...(credentials ? { credentials } : {}),
  });
// Credentials that always present one given token (expired, or signed for someone else).
const fixed = (token: string): Credentials => ({ issuer: "test", token: async () => token });

beforeAll(async () => {
  p = await startPlatform({ holdSeconds: 60, identity: ids.env });
  await p.createEvent(EVENT);
  // The gateway's hold goes through reservation → inventory, signed with reservation's own key.
  const created = await as(ids.as("gateway")).createReservation({
    eventId: EVENT,
    userId: "alice",
    seatIds: ["A-1-1"],
    idempotencyKey: crypto.randomUUID(),
    reservationToken: admissionToken("alice", EVENT),
  });
  held = created.reservation?.reservationId ?? "";
}, 90_000);

afterAll(async () => {
  await p?.stop();
});

describe("reservation accepts the gateway and the worker only", () => {
  test("the gateway holds and reads a buyer's reservation; the worker may expire it", async () => {
    expect(held).toMatch(/^rsv_/);
    expect(await p.available(EVENT, ["A-1-1"])).toBe(false);
    expect(
      await outcome(as(ids.as("gateway")).getReservation({ reservationId: held, userId: "alice" })),
    ).toBe("ok");
    const expired = await as(ids.as("worker")).expireReservation({ reservationId: held });
    expect(expired.changed).toBe(false); // its hold has not passed
  });

  test("nobody, inventory and payment are refused, and nothing changes", async () => {
    const read = (c?: Credentials) => outcome(as(c).getReservation({ reservationId: held, userId: "alice" }));
    expect(await read()).toBe("UNAUTHENTICATED");
    expect(await read(ids.as("inventory"))).toBe("FORBIDDEN");
    expect(await read(ids.as("payment"))).toBe("FORBIDDEN");
    expect(
      await outcome(as(ids.as("payment")).cancelReservation({ reservationId: held, userId: "alice" })),
    ).toBe("FORBIDDEN");
    expect(await p.available(EVENT, ["A-1-1"])).toBe(false);
  });

  test("an expired credential is refused", async () => {
    const old = await ids.as("gateway").sign("reservation", "alice", Date.now() - 120_000);
    const call = as(fixed(old)).getReservation({ reservationId: held, userId: "alice" });
    expect(await outcome(call)).toBe("UNAUTHENTICATED");
  });

  test("a credential signed for one buyer cannot cancel another's hold", async () => {
    const forMallory = await ids.as("gateway").token("reservation", "mallory");
    const call = as(fixed(forMallory)).cancelReservation({ reservationId: held, userId: "alice" });
    expect(await outcome(call)).toBe("FORBIDDEN");
    expect(
      (await as(ids.as("gateway")).getReservation({ reservationId: held, userId: "alice" })).reservation
        ?.status,
    ).toBe(reservation.ReservationStatus.HOLD);
  });

  test("REST: a bare x-user-id header reads nothing (401); the gateway's credential for the buyer reads it", async () => {
    const bare = await fetch(`${p.url}/v1/reservations/${held}`, { headers: { "x-user-id": "alice" } });
    expect(bare.status).toBe(401);
    expect(((await bare.json()) as { error: { code: string } }).error.code).toBe("UNAUTHENTICATED");
    const signed = await fetch(`${p.url}/v1/reservations/${held}`, {
      headers: { authorization: `Bearer ${await ids.as("gateway").token("reservation", "alice")}` },
    });
    expect(signed.status).toBe(200);
    expect(((await signed.json()) as { reservation_id: string }).reservation_id).toBe(held);
  });
});
