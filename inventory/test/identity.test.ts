// Service identity at inventory, on a real listener with its own keys: the gateway and
// reservation get through; the worker, payment, nobody, an expired or a forged credential do not.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { inventory } from "@tt/contracts";
import { type Credentials, createService, createServiceClient } from "@tt/kit";
import { outcome, testConfig, testIdentities } from "@tt/kit/testing";
import { type InventoryCore, inventoryRoutes } from "../src/transport/inventory-routes.ts";
import { type Backends, buildOn, createEventRequest, eventId, saleNow, startBackends } from "./support.ts";

const ids = testIdentities();
let b: Backends;
let service: ReturnType<typeof createService>;
let url = "";
const evt = eventId();

const as = (credentials?: Credentials) =>
  createServiceClient(inventory.InventoryService, {
    name: "inventory",
    baseUrl: url,
    timeoutMs: 20_000,
    retries: 0,
    ...(credentials ? { credentials } : {}),
  });
const fixed = (token: string): Credentials => ({ issuer: "test", token: async () => token });
const hold = (c: Credentials | undefined, seat: string) =>
  as(c).reserveSeats({ reservationId: `rsv_${seat}`, eventId: evt, seatIds: [seat], userId: "alice" });

beforeAll(async () => {
  b = await startBackends();
  const core: InventoryCore = buildOn(b);
  const config = testConfig(ids.env.inventory);
  service = createService({
    name: "inventory",
    description: "under test",
    config,
  });
  service.serveRpc(inventoryRoutes(core));
  await service.start({ handleSignals: false });
  url = `http://127.0.0.1:${config.port}`;
  await as(ids.as("gateway")).createEvent(createEventRequest(saleNow(evt)));
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await b?.stop();
});

describe("inventory accepts the gateway and reservation only", () => {
  test("its legal callers read and hold", async () => {
    expect(await outcome(as(ids.as("gateway")).getInventoryStatus({ eventId: evt }))).toBe("ok");
    expect(await outcome(hold(ids.as("reservation"), "A-1-1"))).toBe("ok");
  });

  test("nobody, the worker and payment are refused, and no seat is held", async () => {
    expect(await outcome(hold(undefined, "A-2-1"))).toBe("UNAUTHENTICATED");
    expect(await outcome(hold(ids.as("worker"), "A-2-2"))).toBe("FORBIDDEN");
    expect(await outcome(hold(ids.as("payment"), "A-2-3"))).toBe("FORBIDDEN");
    const check = await as(ids.as("gateway")).checkAvailability({
      eventId: evt,
      seatIds: ["A-2-1", "A-2-2", "A-2-3"],
    });
    expect(check.available).toBe(true);
  });

  test("an expired credential, or one signed for another buyer, holds nothing", async () => {
    const old = await ids.as("reservation").sign("inventory", "alice", Date.now() - 120_000);
    expect(await outcome(hold(fixed(old), "A-3-1"))).toBe("UNAUTHENTICATED");
    const forMallory = await ids.as("reservation").token("inventory", "mallory");
    expect(await outcome(hold(fixed(forMallory), "A-3-2"))).toBe("FORBIDDEN");
    const check = await as(ids.as("gateway")).checkAvailability({
      eventId: evt,
      seatIds: ["A-3-1", "A-3-2"],
    });
    expect(check.available).toBe(true);
  });

  test("health and metrics stay open", async () => {
    for (const path of ["/healthz", "/readyz", "/metrics"])
      expect((await fetch(`${url}${path}`)).status).toBe(200);
  });
});
