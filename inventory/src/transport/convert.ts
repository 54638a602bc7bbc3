/** Protobuf messages ↔ domain values; no logic beyond translation. */
import { create } from "@bufbuild/protobuf";
import { type Timestamp, timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { inventory } from "@tt/contracts";
import { InvalidInputError } from "../domain/errors.ts";
import type { NewEvent } from "../domain/events.ts";
import { totalSeats } from "../domain/layout.ts";
import type {
  EventInfo,
  PurchasePolicy,
  PurchasePolicyChange,
  QueueSettings,
  QueueSettingsChange,
  SeatStatus,
  SectionCount,
} from "../domain/model.ts";

const STATUS: Record<SeatStatus, inventory.SeatStatus> = {
  AVAILABLE: inventory.SeatStatus.AVAILABLE,
  HELD: inventory.SeatStatus.HELD,
  SOLD: inventory.SeatStatus.SOLD,
};

/** A seat status as the proto enum. */
export function seatStatus(status: SeatStatus): inventory.SeatStatus {
  return STATUS[status];
}

/** A domain event as the proto Event. */
export function eventMessage(e: EventInfo): inventory.Event {
  return create(inventory.EventSchema, {
    eventId: e.eventId,
    name: e.name,
    venue: e.venue,
    startsAt: timestampFromMs(e.startsAt.getTime()),
    saleOpensAt: timestampFromMs(e.saleOpensAt.getTime()),
    saleClosesAt: timestampFromMs(e.saleClosesAt.getTime()),
    currency: e.currency,
    sections: e.sections.map((s) => ({ ...s })),
    totalSeats: totalSeats(e),
  });
}

/** Section counts as proto messages. */
export function sectionCounts(counts: SectionCount[]) {
  return counts.map((c) => create(inventory.SectionCountSchema, c));
}

function requiredTime(field: string, ts: Timestamp | undefined): Date {
  if (!ts) throw new InvalidInputError(field, "is required");
  return new Date(timestampMs(ts));
}

/** A CreateEvent request as the domain's new event. */
export function newEvent(req: inventory.CreateEventRequest): NewEvent {
  return {
    eventId: req.eventId,
    name: req.name,
    venue: req.venue,
    startsAt: requiredTime("starts_at", req.startsAt),
    saleOpensAt: requiredTime("sale_opens_at", req.saleOpensAt),
    saleClosesAt: requiredTime("sale_closes_at", req.saleClosesAt),
    currency: req.currency,
    sections: req.sections.map((s) => ({
      sectionId: s.sectionId,
      name: s.name,
      price: s.price,
      rows: s.rows,
      seatsPerRow: s.seatsPerRow,
    })),
  };
}

/** The release reason's name ("CANCELLED", "EXPIRED", …) as stored with a released hold. */
export function releaseReason(reason: inventory.ReleaseReason): string {
  return inventory.ReleaseReason[reason] ?? "UNSPECIFIED";
}

/** An optional proto timestamp as epoch ms. */
export function optionalMs(ts: Timestamp | undefined): number | undefined {
  return ts ? timestampMs(ts) : undefined;
}

/** Stored queue settings as the proto message (absent rate, cap and opening stay absent). */
export function queueSettingsMessage(s: QueueSettings): inventory.QueueSettings {
  return create(inventory.QueueSettingsSchema, {
    ...(s.rate === undefined ? {} : { rate: s.rate }),
    ...(s.cap === undefined ? {} : { cap: s.cap }),
    paused: s.paused,
    ...(s.opensAt === undefined ? {} : { opensAt: timestampFromMs(s.opensAt) }),
    ...(s.auto === undefined ? {} : { autoMin: s.auto.min, autoMax: s.auto.max }),
    challengeDifficulty: s.challengeDifficulty ?? 0,
    version: BigInt(s.version),
  });
}

/** An UpdateQueueSettings request as the domain's change; only the fields present change. */
export function queueSettingsChange(req: inventory.UpdateQueueSettingsRequest): QueueSettingsChange {
  if (req.clearOpensAt && req.opensAt) {
    throw new InvalidInputError("opens_at", "cannot be set and cleared at once");
  }
  const autoGiven = req.autoMin !== undefined || req.autoMax !== undefined;
  if (autoGiven && (req.clearAuto || req.autoMin === undefined || req.autoMax === undefined)) {
    throw new InvalidInputError("auto", "give both bounds, or clear_auto alone");
  }
  return {
    rate: req.rate,
    cap: req.cap,
    paused: req.paused,
    opensAt: req.clearOpensAt ? null : optionalMs(req.opensAt),
    auto: req.clearAuto ? null : autoGiven ? { min: req.autoMin ?? 0, max: req.autoMax ?? 0 } : undefined,
    challengeDifficulty: req.challengeDifficulty,
  };
}

/** A stored purchase policy as the proto message (fields left to the default stay absent). */
export function purchasePolicyMessage(p: PurchasePolicy): inventory.PurchasePolicy {
  return create(inventory.PurchasePolicySchema, {
    ...(p.maxLiveReservations === undefined ? {} : { maxLiveReservations: p.maxLiveReservations }),
    ...(p.maxSeatsPerUser === undefined ? {} : { maxSeatsPerUser: p.maxSeatsPerUser }),
    version: BigInt(p.version),
  });
}

/** An UpdatePurchasePolicy request as the domain's change; 0 gives a field back to the default. */
export function purchasePolicyChange(req: inventory.UpdatePurchasePolicyRequest): PurchasePolicyChange {
  const field = (v: number | undefined) => (v === 0 ? null : v);
  return {
    maxLiveReservations: field(req.maxLiveReservations),
    maxSeatsPerUser: field(req.maxSeatsPerUser),
  };
}
