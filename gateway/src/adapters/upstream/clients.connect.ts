import { inventory, payment, reservation } from "@tt/contracts";
import { type Credentials, createServiceClient, type Metrics } from "@tt/kit";

/** Where the other services are, and how long each call may take. */
export interface UpstreamSettings {
  inventoryUrl: string;
  reservationUrl: string;
  paymentUrl: string;
  inventoryTimeoutMs: number;
  reservationTimeoutMs: number;
  paymentTimeoutMs: number;
  /** Latency the calls to reservation and payment aim to stay under. */
  upstreamTargetMs: number;
}

/**
 * Connect clients of the services behind the gateway, each with a deadline and its own breaker.
 * The purchase path's (reservation, payment) let through as many calls as their latency allows
 * and refuse the rest at once: at several times capacity the excess is shed at the door instead of
 * queueing behind the calls that can still be served (bench/overload.ts). Every call is signed as
 * the gateway (`credentials`), naming the buyer it acts for.
 */
export function createUpstreams(urls: UpstreamSettings, metrics: Metrics, credentials: Credentials) {
  const edge = {
    // A crowd clicking in the same second waits its turn while the upstream is fast.
    maxQueued: 1024,
    adaptive: { minInFlight: 4, targetMs: urls.upstreamTargetMs },
  };
  return {
    inventory: createServiceClient(inventory.InventoryService, {
      name: "inventory",
      baseUrl: urls.inventoryUrl,
      timeoutMs: urls.inventoryTimeoutMs,
      metrics,
      credentials,
    }),
    reservation: createServiceClient(reservation.ReservationService, {
      name: "reservation",
      baseUrl: urls.reservationUrl,
      timeoutMs: urls.reservationTimeoutMs,
      metrics,
      credentials,
      ...edge,
    }),
    payment: createServiceClient(payment.PaymentService, {
      name: "payment",
      baseUrl: urls.paymentUrl,
      timeoutMs: urls.paymentTimeoutMs,
      metrics,
      credentials,
      ...edge,
    }),
  };
}

/** The gateway's upstream clients. */
export type Upstreams = ReturnType<typeof createUpstreams>;
