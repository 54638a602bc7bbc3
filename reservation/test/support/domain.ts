// What the domain tests over fakes share: a buyer's create and a failure's code.
import type { AppError } from "@tt/kit";
import type { Reservations } from "../../src/domain/reservations.ts";
import { type TestClock, testToken } from "./fakes.ts";

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
