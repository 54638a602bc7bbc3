/** The InventoryService Connect handlers: translate messages, call the core, translate back. */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ConnectRouter } from "@connectrpc/connect";
import { inventory } from "@tt/contracts";
import type { EventCatalog } from "../domain/events.ts";
import type { Inventory } from "../domain/inventory.ts";
import type { PurchasePolicies } from "../domain/purchase-policy.ts";
import {
  eventMessage,
  newEvent,
  optionalMs,
  purchasePolicyChange,
  purchasePolicyMessage,
  queueSettingsChange,
  queueSettingsMessage,
  releaseReason,
  seatStatus,
  sectionCounts,
} from "./convert.ts";

/** What the handlers call. */
export interface InventoryCore {
  inventory: Inventory;
  events: EventCatalog;
  policies: PurchasePolicies;
}

/** Registers InventoryService over the core. */
export function inventoryRoutes(core: InventoryCore) {
  return (router: ConnectRouter) =>
    router.service(inventory.InventoryService, {
      async checkAvailability(req) {
        const out = await core.inventory.check(req);
        return create(inventory.CheckAvailabilityResponseSchema, {
          available: out.available,
          unavailableSeatIds: out.unavailableSeatIds,
          sections: sectionCounts(out.sections),
        });
      },
      async reserveSeats(req) {
        const input = { ...req, holdExpiresAt: optionalMs(req.holdExpiresAt) };
        if (req.precheck) {
          await core.inventory.precheck(input);
          return create(inventory.ReserveSeatsResponseSchema, {});
        }
        const hold = await core.inventory.reserve(input);
        return create(inventory.ReserveSeatsResponseSchema, {
          seatIds: hold.seatIds,
          totalAmount: hold.totalAmount,
          currency: hold.currency,
          holdExpiresAt: timestampFromMs(hold.holdExpiresAt),
        });
      },
      async commitSeats(req) {
        const hold = await core.inventory.commit(req);
        return create(inventory.CommitSeatsResponseSchema, {
          seatIds: hold.seatIds,
          ...(hold.committedAt ? { committedAt: timestampFromMs(hold.committedAt) } : {}),
        });
      },
      async releaseSeats(req) {
        const released = await core.inventory.release({ ...req, reason: releaseReason(req.reason) });
        return create(inventory.ReleaseSeatsResponseSchema, { releasedSeatIds: released });
      },
      async getInventoryStatus(req) {
        const out = await core.inventory.status(req.eventId, req.includeSeats);
        return create(inventory.GetInventoryStatusResponseSchema, {
          eventId: out.event.eventId,
          sections: sectionCounts(out.sections),
          seats: out.seats.map((s) => ({ ...s, status: seatStatus(s.status) })),
          asOf: timestampFromMs(out.asOf),
        });
      },
      async createEvent(req) {
        const { event } = await core.events.create(newEvent(req));
        return create(inventory.CreateEventResponseSchema, { event: eventMessage(event) });
      },
      async getEvent(req) {
        const event = await core.events.require(req.eventId);
        return create(inventory.GetEventResponseSchema, { event: eventMessage(event) });
      },
      async getQueueSettings(req) {
        const settings = await core.events.queueSettings(req.eventId);
        return create(inventory.GetQueueSettingsResponseSchema, { settings: queueSettingsMessage(settings) });
      },
      async updateQueueSettings(req) {
        const settings = await core.events.updateQueueSettings(req.eventId, queueSettingsChange(req));
        return create(inventory.UpdateQueueSettingsResponseSchema, {
          settings: queueSettingsMessage(settings),
        });
      },
      async getPurchasePolicy(req) {
        const policy = await core.policies.get(req.eventId);
        return create(inventory.GetPurchasePolicyResponseSchema, { policy: purchasePolicyMessage(policy) });
      },
      async updatePurchasePolicy(req) {
        const policy = await core.policies.update(req.eventId, purchasePolicyChange(req));
        return create(inventory.UpdatePurchasePolicyResponseSchema, {
          policy: purchasePolicyMessage(policy),
        });
      },
      async listEvents(req) {
        const page = await core.events.list(req.pageSize, req.pageToken);
        return create(inventory.ListEventsResponseSchema, {
          events: page.events.map(eventMessage),
          nextPageToken: page.nextPageToken ?? "",
        });
      },
    });
}
