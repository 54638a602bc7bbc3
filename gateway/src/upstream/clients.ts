import { inventory, payment, reservation } from "@tt/contracts";
import { createServiceClient, type Metrics } from "@tt/kit";

/** Where the other services are, and how long each call may take. */
export interface UpstreamSettings {
  inventoryUrl: string;
  reservationUrl: string;
  paymentUrl: string;
  inventoryTimeoutMs: number;
  reservationTimeoutMs: number;
  paymentTimeoutMs: number;
}

/** Connect clients of the services behind the gateway, each with a deadline and its own breaker. */
export function createUpstreams(urls: UpstreamSettings, metrics: Metrics) {
  return {
    inventory: createServiceClient(inventory.InventoryService, {
      name: "inventory",
      baseUrl: urls.inventoryUrl,
      timeoutMs: urls.inventoryTimeoutMs,
      metrics,
    }),
    reservation: createServiceClient(reservation.ReservationService, {
      name: "reservation",
      baseUrl: urls.reservationUrl,
      timeoutMs: urls.reservationTimeoutMs,
      metrics,
    }),
    payment: createServiceClient(payment.PaymentService, {
      name: "payment",
      baseUrl: urls.paymentUrl,
      timeoutMs: urls.paymentTimeoutMs,
      metrics,
    }),
  };
}

/** The gateway's upstream clients. */
export type Upstreams = ReturnType<typeof createUpstreams>;
