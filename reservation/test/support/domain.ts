// What the domain tests over fakes share: a buyer's create and a failure's code.
import type { AppError } from "@tt/kit";
import { DEFAULT_SETTINGS } from "../../src/domain/deps.ts";
import { Reservations } from "../../src/domain/reservations.ts";
import { fakeDeps, type TestClock, testToken } from "./fakes.ts";

/** An idempotency key a test repeats on purpose. */
export const KEY = "7f3c2a4e-1b2d-4c5e-8f90-a1b2c3d4e5f6";

/** Fresh fakes and the domain over them, with the platform's default settings. */
export function freshDomain() {
  const f = fakeDeps();
  return { f, svc: new Reservations(f.deps, DEFAULT_SETTINGS) };
}

type CreateInput = Parameters<Reservations["create"]>[0];

/**
 * A create as an admitted buyer sends it: u1 holding A-1-1 and A-1-2 of evt_1 under a fresh key,
 * with a reservation token valid at `clock`, unless `over` says otherwise.
 */
export function createFor(svc: Reservations, clock: TestClock, over: Partial<CreateInput> = {}) {
  const input = {
    eventId: "evt_1",
    userId: "u1",
    seatIds: ["A-1-1", "A-1-2"],
    quantity: 0,
    sectionId: "",
    idempotencyKey: crypto.randomUUID(),
    ...over,
  };
  return svc.create({ reservationToken: testToken(input.userId, input.eventId, clock.ms), ...input });
}

/** The catalogue code a promise fails with. */
export const codeOf = async (p: Promise<unknown>) => ((await p.catch((e) => e)) as AppError).code;
