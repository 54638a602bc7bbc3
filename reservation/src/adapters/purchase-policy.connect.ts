import { SingleFlight } from "@tt/kit";
import type { PolicyReader } from "../domain/ports.ts";
import type { PolicyOverrides } from "../domain/purchase-policy.ts";
import type { InventoryClient } from "./inventory-gateway.connect.ts";

// An answer this old is still used while inventory cannot be asked (a hold needs inventory
// anyway, so this only spares a hold whose policy read alone failed).
const STALE_LIMIT_MS = 60_000;

/**
 * Each event's purchase policy from inventory (GetPurchasePolicy), cached per event for
 * `ttlMs`: a drop's holds cost one policy read per event per process per period, and an
 * operator's change reaches every hold within it. Concurrent misses share one call.
 */
export class CachedPolicyReader implements PolicyReader {
  private readonly cache = new Map<string, { overrides: PolicyOverrides; at: number }>();
  private readonly reading = new SingleFlight<PolicyOverrides>();

  constructor(
    private readonly client: InventoryClient,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async overrides(eventId: string): Promise<PolicyOverrides> {
    const hit = this.cache.get(eventId);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.overrides;
    try {
      return (await this.reading.run(eventId, () => this.read(eventId))).value;
    } catch (error) {
      if (hit && this.now() - hit.at < STALE_LIMIT_MS) return hit.overrides;
      throw error;
    }
  }

  private async read(eventId: string): Promise<PolicyOverrides> {
    const { policy } = await this.client.getPurchasePolicy({ eventId });
    const overrides: PolicyOverrides = {
      ...(policy?.maxLiveReservations ? { maxLiveReservations: policy.maxLiveReservations } : {}),
      ...(policy?.maxSeatsPerUser ? { maxSeatsPerUser: policy.maxSeatsPerUser } : {}),
    };
    // Events are few; a map of every event this process ever held for stays small.
    this.cache.set(eventId, { overrides, at: this.now() });
    return overrides;
  }
}
