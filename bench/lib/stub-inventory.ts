// A stand-in inventory for gateway benchmarks: answers GetEvent for every event, so the join
// route's event check (cached by the gateway) costs nothing measurable, and keeps each event's
// queue settings in memory (the gateway reads them once per line, and writes them on the admin
// API). Not used by tests.
import { create } from "@bufbuild/protobuf";
import { inventory } from "@tt/contracts";
import { baseFields, createService, loadConfig } from "@tt/kit";
import { freePort } from "@tt/kit/testing";

/** Starts the stand-in on a free port; returns its URL and a stop function. */
export async function startStubInventory() {
  const port = freePort();
  const settings = new Map<string, inventory.QueueSettings>();
  const settingsOf = (eventId: string) =>
    settings.get(eventId) ?? create(inventory.QueueSettingsSchema, { paused: false, version: 0n });
  const service = createService({
    name: "inventory-stub",
    description: "benchmark stand-in",
    // Called as inventory, so held to inventory's callers (the gateway).
    identity: { audiences: ["inventory"] },
    config: loadConfig(baseFields(port), {
      HOST: "127.0.0.1",
      PORT: String(port),
      RPC_PORT: "0",
      LOG_LEVEL: "error",
    }),
  });
  service.serveRpc((router) =>
    router.service(inventory.InventoryService, {
      getEvent: (req) =>
        create(inventory.GetEventResponseSchema, { event: { eventId: req.eventId, name: "bench" } }),
      getQueueSettings: (req) =>
        create(inventory.GetQueueSettingsResponseSchema, { settings: settingsOf(req.eventId) }),
      updateQueueSettings: (req) => {
        const current = settingsOf(req.eventId);
        const next = create(inventory.QueueSettingsSchema, {
          ...current,
          ...(req.rate === undefined ? {} : { rate: req.rate }),
          ...(req.cap === undefined ? {} : { cap: req.cap }),
          ...(req.paused === undefined ? {} : { paused: req.paused }),
          ...(req.opensAt ? { opensAt: req.opensAt } : {}),
          ...(req.challengeDifficulty === undefined ? {} : { challengeDifficulty: req.challengeDifficulty }),
          version: current.version + 1n,
        });
        if (req.clearOpensAt) next.opensAt = undefined;
        settings.set(req.eventId, next);
        return create(inventory.UpdateQueueSettingsResponseSchema, { settings: next });
      },
    }),
  );
  await service.start({ handleSignals: false });
  return { url: `http://127.0.0.1:${port}`, stop: () => service.stop() };
}
