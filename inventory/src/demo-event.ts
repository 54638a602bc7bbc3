/**
 * The demo event the local platform seeds (scripts/dev.ts): `evt_2025_1001`, 2,500 seats in four
 * sections, on sale from 2025 to the end of 2030 so that it is open whenever the stack runs.
 * The dates are fixed on purpose: CreateEvent is idempotent for an identical definition, so a
 * restart with `--data-dir` finds the event already there and changes nothing (no duplicate,
 * no reset of sold seats).
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { inventory } from "@tt/contracts";
import { AppError, type Credentials, createServiceClient, devCredentials } from "@tt/kit";

/** The demo event's id. */
export const DEMO_EVENT_ID = "evt_2025_1001";

/** The CreateEvent request for the demo event. */
export const DEMO_EVENT = create(inventory.CreateEventRequestSchema, {
  eventId: DEMO_EVENT_ID,
  name: "Traffic Tacos Live — Seoul",
  venue: "Olympic Hall, Seoul",
  startsAt: timestampFromMs(Date.parse("2030-12-31T10:00:00Z")),
  saleOpensAt: timestampFromMs(Date.parse("2025-01-01T00:00:00Z")),
  saleClosesAt: timestampFromMs(Date.parse("2030-12-31T09:00:00Z")),
  currency: "KRW",
  sections: [
    { sectionId: "VIP", name: "VIP floor", price: 220_000n, rows: 5, seatsPerRow: 20 },
    { sectionId: "R", name: "R floor", price: 165_000n, rows: 20, seatsPerRow: 30 },
    { sectionId: "S", name: "S stand", price: 132_000n, rows: 20, seatsPerRow: 40 },
    { sectionId: "A", name: "A stand", price: 99_000n, rows: 25, seatsPerRow: 40 },
  ],
});

/**
 * Creates the demo event through the inventory service (idempotent); retries while another creator
 * is busy. Local only, so it calls as the developer unless told otherwise.
 */
export async function seedDemoEvent(
  inventoryUrl: string,
  credentials: Credentials = devCredentials(),
): Promise<inventory.Event | undefined> {
  const client = createServiceClient(inventory.InventoryService, {
    name: "inventory",
    baseUrl: inventoryUrl,
    credentials,
  });
  for (let attempt = 1; ; attempt++) {
    try {
      return (await client.createEvent(DEMO_EVENT, { timeoutMs: 60_000 })).event;
    } catch (error) {
      // The kit client rejects with the catalogue error (kit/src/connect/client.ts).
      if (!(error instanceof AppError) || error.code !== "INVENTORY_CONFLICT" || attempt >= 10) throw error;
      await Bun.sleep(1_000);
    }
  }
}
