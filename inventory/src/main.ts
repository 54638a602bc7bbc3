// Wiring only: reads the config and starts the service built from it.
import { readConfig } from "@tt/kit";
import { buildInventory } from "./app.ts";
import { inventoryConfig } from "./config.ts";

await buildInventory({ config: readConfig(inventoryConfig) }).start();
