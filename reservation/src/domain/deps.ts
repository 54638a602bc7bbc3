import type { Logger } from "@tt/kit";
import type {
  ExpiryTimer,
  IdempotencyStore,
  InventoryGateway,
  PaymentGateway,
  PolicyReader,
  ReservationMetrics,
  ReservationStore,
  TokenReader,
} from "./ports.ts";
import type { PurchasePolicy } from "./purchase-policy.ts";

/** Tunables of the reservation domain. */
export interface ReservationSettings {
  /** How long seats are held (default 60 s). */
  holdMs: number;
  /** Most seats in one reservation (default 10). */
  maxSeats: number;
  /** How long a confirm may take between claiming a hold and writing the order. */
  confirmLeaseMs: number;
  /** How long past its time a HOLD may stay before the sweeper expires it. */
  sweepGraceMs: number;
  /** The purchase policy of an event that sets none of its own. */
  defaultPolicy: PurchasePolicy;
}

/** Everything the reservation domain talks to, as narrow interfaces. */
export interface ReservationDeps {
  store: ReservationStore;
  idempotency: IdempotencyStore;
  /** Verifies reservation tokens (signature; binding and expiry are checked by the domain). */
  tokens: TokenReader;
  inventory: InventoryGateway;
  /** Each event's purchase policy. */
  policies: PolicyReader;
  payments: PaymentGateway;
  timer: ExpiryTimer;
  metrics: ReservationMetrics;
  log: Logger;
  now: () => number;
  /** A fresh reservation id (`rsv_` + 32 hex digits). */
  newReservationId: () => string;
}

/** The settings the platform runs with unless configured otherwise. */
export const DEFAULT_SETTINGS: ReservationSettings = {
  holdMs: 60_000,
  maxSeats: 10,
  confirmLeaseMs: 15_000,
  sweepGraceMs: 5_000,
  defaultPolicy: { maxLiveReservations: 1, maxSeatsPerUser: 10 },
};
