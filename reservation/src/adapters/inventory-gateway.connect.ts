import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Client } from "@connectrpc/connect";
import { inventory } from "@tt/contracts";
import type { HeldSeats, HoldRequest, InventoryGateway, ReleaseReason } from "../domain/ports.ts";

/** A Connect client of InventoryService (built with the kit: deadline, retries, breaker). */
export type InventoryClient = Client<typeof inventory.InventoryService>;

const REASONS: Record<ReleaseReason, inventory.ReleaseReason> = {
  CANCELLED: inventory.ReleaseReason.CANCELLED,
  EXPIRED: inventory.ReleaseReason.EXPIRED,
  COMPENSATION: inventory.ReleaseReason.COMPENSATION,
};

/** InventoryGateway over Connect. */
export class ConnectInventoryGateway implements InventoryGateway {
  constructor(private readonly client: InventoryClient) {}

  async precheck(req: HoldRequest): Promise<void> {
    await this.client.reserveSeats({ ...reserveRequest(req), precheck: true });
  }

  async hold(req: HoldRequest): Promise<HeldSeats> {
    const res = await this.client.reserveSeats(reserveRequest(req));
    return { seatIds: res.seatIds, totalAmount: Number(res.totalAmount), currency: res.currency };
  }

  async commit(req: Parameters<InventoryGateway["commit"]>[0]): Promise<void> {
    await this.client.commitSeats(req);
  }

  async release(req: Parameters<InventoryGateway["release"]>[0]): Promise<string[]> {
    const res = await this.client.releaseSeats({
      reservationId: req.reservationId,
      eventId: req.eventId,
      seatIds: req.seatIds,
      reason: REASONS[req.reason],
    });
    return res.releasedSeatIds;
  }
}

function reserveRequest(req: HoldRequest) {
  return {
    reservationId: req.reservationId,
    eventId: req.eventId,
    userId: req.userId,
    seatIds: req.seatIds,
    quantity: req.quantity,
    sectionId: req.sectionId,
    holdExpiresAt: timestampFromMs(req.holdExpiresAt),
  };
}
