import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import type { Client } from "@connectrpc/connect";
import type { inventory } from "@tt/contracts";
import type { QueueSettings } from "../../domain/queue/room-model.ts";
import type { DurableQueueSettings, QueueSettingsStore } from "../../domain/queue/settings-store.ts";

function fromMessage(s: inventory.QueueSettings | undefined): DurableQueueSettings {
  if (!s) throw new Error("inventory answered without queue settings");
  return {
    rate: s.rate,
    cap: s.cap,
    paused: s.paused,
    opensAt: s.opensAt ? timestampMs(s.opensAt) : null,
    auto: s.autoMin === undefined || s.autoMax === undefined ? undefined : { min: s.autoMin, max: s.autoMax },
    challengeDifficulty: s.challengeDifficulty,
    version: Number(s.version),
  };
}

/** The operator's queue settings kept with each event by inventory (GetQueueSettings, UpdateQueueSettings). */
export function inventoryQueueSettings(
  client: Client<typeof inventory.InventoryService>,
): QueueSettingsStore {
  return {
    async get(eventId) {
      return fromMessage((await client.getQueueSettings({ eventId })).settings);
    },
    async update(eventId, change: Partial<QueueSettings>) {
      const { settings } = await client.updateQueueSettings({
        eventId,
        ...(change.rate === undefined ? {} : { rate: change.rate }),
        ...(change.cap === undefined ? {} : { cap: change.cap }),
        ...(change.paused === undefined ? {} : { paused: change.paused }),
        ...(typeof change.opensAt === "number" ? { opensAt: timestampFromMs(change.opensAt) } : {}),
        clearOpensAt: change.opensAt === null,
        ...(change.auto ? { autoMin: change.auto.min, autoMax: change.auto.max } : {}),
        clearAuto: change.auto === null,
        ...(change.challengeDifficulty === undefined
          ? {}
          : { challengeDifficulty: change.challengeDifficulty }),
      });
      return fromMessage(settings);
    },
  };
}
