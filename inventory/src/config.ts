/** The inventory's configuration schema: the kit's fields, its own and production's rules. */
import {
  awsFields,
  baseFields,
  type ConfigOf,
  configSchema,
  DEFAULT_SEATS_PER_RESERVATION,
  env,
  identityCheck,
  MAX_SEATS_PER_RESERVATION,
  redisFields,
} from "@tt/kit";

/** The inventory's own environment variables (besides the kit's base, AWS and Redis ones). */
export function inventoryFields() {
  return {
    // At most the platform's limit (kit/src/limits.ts: one hold is one transaction).
    maxSeatsPerReservation: env.int("MAX_SEATS_PER_RESERVATION", DEFAULT_SEATS_PER_RESERVATION, {
      min: 1,
      max: MAX_SEATS_PER_RESERVATION,
    }),
    holdSeconds: env.int("HOLD_SECONDS", 60, { min: 1, max: 900 }),
    seatShards: env.int("SEAT_SHARDS", 16, { min: 1, max: 99 }),
    seatMapCacheMs: env.int("SEAT_MAP_CACHE_MS", 100, { min: 0, max: 10_000 }),
    seatMapRebuildMs: env.int("SEAT_MAP_REBUILD_MS", 30_000, { min: 1_000, max: 3_600_000 }),
  };
}

/** Everything the inventory service reads at start, checked as one. */
export const inventoryConfig = configSchema(
  "inventory",
  { ...baseFields(8020), ...awsFields(), ...redisFields(), ...inventoryFields() },
  [identityCheck("inventory")],
);

/** The inventory's typed configuration. */
export type InventoryConfig = ConfigOf<(typeof inventoryConfig)["fields"]>;
