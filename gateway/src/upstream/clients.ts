import { inventory, payment, reservation } from "@tt/contracts";
import { createServiceClient, type Metrics } from "@tt/kit";

/** Deadlines of the gateway's calls: create and confirm reach inventory (and payment) behind them. */
const TIMEOUT_MS = { inventory: 500, reservation: 2000, payment: 1000 };

/** Where the other services are. */
export interface UpstreamUrls {
  inventoryUrl: string;
  reservationUrl: string;
  paymentUrl: string;
}

/** Connect clients of the services behind the gateway, each with a deadline and its own breaker. */
export function createUpstreams(urls: UpstreamUrls, metrics: Metrics) {
  return {
    inventory: createServiceClient(inventory.InventoryService, {
      name: "inventory",
      baseUrl: urls.inventoryUrl,
      timeoutMs: TIMEOUT_MS.inventory,
      metrics,
    }),
    reservation: createServiceClient(reservation.ReservationService, {
      name: "reservation",
      baseUrl: urls.reservationUrl,
      timeoutMs: TIMEOUT_MS.reservation,
      metrics,
    }),
    payment: createServiceClient(payment.PaymentService, {
      name: "payment",
      baseUrl: urls.paymentUrl,
      timeoutMs: TIMEOUT_MS.payment,
      metrics,
    }),
  };
}

/** The gateway's upstream clients. */
export type Upstreams = ReturnType<typeof createUpstreams>;
