// JSON shapes of the gateway routes the buyer app calls. The answers are the gateway's own
// response schemas (kit/src/api, which its routes declare and Elysia checks), imported as types
// only, so no server code reaches the bundle; docs/spec.md describes them.

import type { SaleState } from "@tt/kit/api";

export type {
  Availability,
  CancelAnswer,
  ConfirmAnswer,
  EnterAnswer,
  EventDetail,
  EventList,
  HoldAnswer,
  JoinAnswer,
  JoinChallengeOffer,
  LeaveAnswer,
  Order,
  PaymentIntentAnswer,
  PaymentStatusAnswer,
  QueuePlaceStatus,
  QueueStatusAnswer,
  Reservation,
  ReservationList,
  ReservationStatus,
  SaleState,
  SeatStatus,
  Section,
  SectionCount,
} from "@tt/kit/api";

/** Frames pushed on `GET /queue/ws` (docs/spec.md, "Live queue (WebSocket)"). */
export type QueueFrame =
  | {
      type: "position";
      position: number | null;
      eta_sec: number | null;
      serving: number;
      rate_per_sec: number;
    }
  | { type: "ready"; ready_for_entry?: boolean }
  | { type: "expired" }
  | { type: "left" }
  | { type: "sale"; sale: SaleState; seats_held: number }
  | { type: "error"; code: string; message: string };

/** The payment simulator's scenarios. */
export const PAYMENT_SCENARIOS = ["approve", "fail", "delay", "random"] as const;
/** One payment simulator scenario. */
export type PaymentScenario = (typeof PAYMENT_SCENARIOS)[number];
