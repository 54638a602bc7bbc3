// A reservation process killed while its hold is on its way to inventory, on the whole real
// platform: the hold lands for a reservation that was never stored. The hold's timer, armed as
// inventory was asked, frees those seats at the hold time. Before it was, nothing did until
// inventory's next seat-map rebuild (every 30 s), and a chaos drop saw seats HELD 7 s past their
// hold by a reservation killed 30 ms into its create.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { LocalStack } from "@tt/kit/local";
import { eventually } from "@tt/kit/testing";
import { StoreReader } from "../../../bench/drop/store-read.ts";
import { apiClient, createOnSaleEvent, delayingProxy, enterSale, startApiPlatform } from "./platform.ts";

const EVENT_ID = `evt_crash_${Date.now().toString(36)}`;
const HOLD_SECONDS = 3;
const SEATS = ["A-1-1", "A-1-2"];
const proxy = delayingProxy("/inventory.v1.InventoryService/ReserveSeats");
let stack: LocalStack;

beforeAll(async () => {
  stack = await startApiPlatform(HOLD_SECONDS, {
    base: 34000,
    serviceEnv: { reservation: { INVENTORY_URL: proxy.url } },
  });
  proxy.state.target = stack.urls.services.inventory;
  const section = { section_id: "A", name: "Floor", price: 90000, rows: 2, seats_per_row: 10 };
  expect(await createOnSaleEvent(stack.urls.gateway, EVENT_ID, "Crash night", [section])).toBe(201);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  proxy.stop();
});

/** The seats of the event the store has HELD, and the reservations it has. */
async function stored() {
  const reader = new StoreReader(stack.urls.dynamodb, stack.env.STAGE ?? "", EVENT_ID);
  try {
    const snap = await reader.snapshot();
    return { held: snap.seats.filter((s) => s.status === "HELD"), reservations: snap.reservations };
  } finally {
    reader.close();
  }
}

test("a reservation killed while its hold is on the way leaves no seat HELD past the hold time", async () => {
  const b = apiClient(stack.urls.gateway, {
    authorization: "Bearer load-test-bypass-token",
    "x-user-id": "crash-1",
  });
  const token = await enterSale(b, EVENT_ID);
  proxy.state.delayMs = 1_000;
  const answer = b(
    "POST",
    "/api/v1/reservations",
    { event_id: EVENT_ID, seat_ids: SEATS, reservation_token: token },
    { "idempotency-key": crypto.randomUUID() },
  );
  await Bun.sleep(300);
  process.kill(stack.pidOf("reservation") as number, "SIGKILL");
  const refused = await answer;
  expect(refused.status).toBeGreaterThanOrEqual(500);
  expect(typeof refused.body.error.code).toBe("string");
  proxy.state.delayMs = 0;

  // The held-back call reaches inventory after the kill: both seats HELD by a reservation that
  // was never stored.
  await eventually(async () => (await stored()).held.length === SEATS.length, 5_000, 100);
  const { held, reservations } = await stored();
  expect(reservations).toEqual([]);
  const holdEndsAt = Math.max(...held.map((s) => s.holdExpiresAt ?? 0));

  // Within 2 s of the hold time the seats can be bought again, in the store as well.
  await Bun.sleep(Math.max(0, holdEndsAt + 2_000 - Date.now()));
  expect((await stored()).held).toEqual([]);
}, 60_000);
