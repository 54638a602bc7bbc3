/** The inventory's configuration schema: the kit's fields, its own (app.ts) and production's rules. */
import { awsFields, baseFields, configSchema, identityCheck, redisFields } from "@tt/kit";
import { inventoryFields } from "./app.ts";

/** Everything the inventory service reads at start, checked as one. */
export const inventoryConfig = configSchema(
  "inventory",
  { ...baseFields(8020), ...awsFields(), ...redisFields(), ...inventoryFields() },
  [identityCheck("inventory")],
);
