// The fuzzer's short pass (the long one is `bun run --cwd bench fuzz`): a few dozen generated
// requests to every REST route and Connect procedure of every service, against the whole local
// platform, each answered without a 5xx and in the standard error body.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { describeFailure, fuzzAll } from "../lib/fuzz/run.ts";
import { type FuzzPlatform, startFuzzPlatform } from "../lib/fuzz/stack.ts";
import { fuzzTargets } from "../lib/fuzz/targets.ts";
import { restVerdict } from "../lib/fuzz/verdict.ts";

// ~70 targets × 40 requests take a few seconds on two cores.
const RUNS = 40;
let platform: FuzzPlatform;

beforeAll(async () => {
  platform = await startFuzzPlatform();
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

test("every route and procedure of every service answers generated requests without a 5xx, in the standard body", async () => {
  const targets = await fuzzTargets(platform.services, platform.fixtures);
  // Every service's REST routes and the three Connect services are there.
  const names = targets.map((t) => t.name);
  for (const expected of [
    "gateway POST /api/v1/reservations",
    "gateway POST /api/v1/payments/webhook",
    "reservation GET /v1/reservations/{id}",
    "inventory /inventory.v1.InventoryService/ReserveSeats",
    "reservation /reservation.v1.ReservationService/CreateReservation",
    "payment /payment.v1.PaymentService/CreatePaymentIntent",
    "worker GET /readyz",
  ]) {
    expect(names).toContain(expected);
  }
  const results = await fuzzAll(targets, { runs: RUNS, parallel: 6 });
  expect(results.filter((r) => r.failure).map(describeFailure)).toEqual([]);
  expect(results.every((r) => r.requests >= RUNS)).toBe(true);
}, 120_000);

test("the judge is not toothless: a 500, a bare error and a code outside the catalogue all fail", () => {
  const json = "application/json";
  expect(restVerdict(500, json, '{"error":{"code":"INTERNAL","message":"x","trace_id":"t"}}')).toBeDefined();
  expect(restVerdict(400, json, '{"message":"bad"}')).toBeDefined();
  expect(restVerdict(400, json, '{"error":{"code":"NOPE","message":"x","trace_id":"t"}}')).toBeDefined();
  expect(
    restVerdict(404, json, '{"error":{"code":"VALIDATION_FAILED","message":"x","trace_id":"t"}}'),
  ).toBeDefined();
  expect(
    restVerdict(400, json, '{"error":{"code":"VALIDATION_FAILED","message":"x","trace_id":"t"}}'),
  ).toBeUndefined();
});
