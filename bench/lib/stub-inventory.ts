// A stand-in inventory for gateway benchmarks: answers GetEvent for every event, so the join
// route's event check (cached by the gateway) costs nothing measurable. Not used by tests.
import { create } from "@bufbuild/protobuf";
import { inventory } from "@tt/contracts";
import { baseFields, createService, loadConfig } from "@tt/kit";
import { freePort } from "@tt/kit/testing";

/** Starts the stand-in on a free port; returns its URL and a stop function. */
export async function startStubInventory() {
  const port = freePort();
  const service = createService({
    name: "inventory-stub",
    description: "benchmark stand-in",
    config: loadConfig(baseFields(port), {
      HOST: "127.0.0.1",
      PORT: String(port),
      RPC_PORT: "0",
      LOG_LEVEL: "error",
    }),
    rpc: (router) =>
      router.service(inventory.InventoryService, {
        getEvent: (req) =>
          create(inventory.GetEventResponseSchema, { event: { eventId: req.eventId, name: "bench" } }),
      }),
  });
  await service.start({ handleSignals: false });
  return { url: `http://127.0.0.1:${port}`, stop: () => service.stop() };
}
