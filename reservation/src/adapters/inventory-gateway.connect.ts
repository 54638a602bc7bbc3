import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Client } from "@connectrpc/connect";
import { inventory } from "@tt/contracts";
import { fromConnectError } from "@tt/kit";
import type { HeldSeats, InventoryGateway, ReleaseReason } from "../domain/ports.ts";

/** A Connect client of InventoryService (built with the kit: deadline, retries, breaker). */
export type InventoryClient = Client<typeof inventory.InventoryService>;

const REASONS: Record<ReleaseReason, inventory.ReleaseReason> = {
  CANCELLED: inventory.ReleaseReason.CANCELLED,
  EXPIRED: inventory.ReleaseReason.EXPIRED,
  COMPENSATION: inventory.ReleaseReason.COMPENSATION,
};

/** Runs one call; errors leave as AppError with the peer's catalogue code, so the domain never sees Connect. */
export async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw fromConnectError(error);
  }
}

/** InventoryGateway over Connect. */
export class ConnectInventoryGateway implements InventoryGateway {
  constructor(private readonly client: InventoryClient) {}

  async hold(req: Parameters<InventoryGateway["hold"]>[0]): Promise<HeldSeats> {
    const res = await call(() =>
      this.client.reserveSeats({
        reservationId: req.reservationId,
        eventId: req.eventId,
        userId: req.userId,
        seatIds: req.seatIds,
        quantity: req.quantity,
        sectionId: req.sectionId,
        holdExpiresAt: timestampFromMs(req.holdExpiresAt),
      }),
    );
    return { seatIds: res.seatIds, totalAmount: Number(res.totalAmount), currency: res.currency };
  }

  async commit(req: Parameters<InventoryGateway["commit"]>[0]): Promise<void> {
    await call(() => this.client.commitSeats(req));
  }

  async release(req: Parameters<InventoryGateway["release"]>[0]): Promise<string[]> {
    const res = await call(() =>
      this.client.releaseSeats({
        reservationId: req.reservationId,
        eventId: req.eventId,
        seatIds: req.seatIds,
        reason: REASONS[req.reason],
      }),
    );
    return res.releasedSeatIds;
  }
}
