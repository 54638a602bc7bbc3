// JSON shapes of the gateway routes the buyer app calls. The answers are the gateway's own
// response schemas (kit/src/api, which its routes declare and Elysia checks), imported as types
// only, so no server code reaches the bundle; docs/spec.md describes them. The live-queue
// socket's frames are the gateway's own declaration too.

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
  PurchaseFrame,
  QueueFrame,
  QueuePlaceStatus,
  QueueStatusAnswer,
  Reservation,
  ReservationList,
  ReservationStatus,
  SaleState,
  SeatStatus,
  Section,
  SectionCount,
  WatchFrame,
} from "@tt/kit/api";

/** The payment simulator's scenarios. */
export const PAYMENT_SCENARIOS = ["approve", "fail", "delay", "random"] as const;
/** One payment simulator scenario. */
export type PaymentScenario = (typeof PAYMENT_SCENARIOS)[number];
