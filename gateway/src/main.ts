// Wiring only: reads the config and starts the gateway built from it.
import { readConfig } from "@tt/kit";
import { buildGateway } from "./app.ts";
import { gatewayConfig } from "./config.ts";

const gateway = await buildGateway({ config: readConfig(gatewayConfig) });
await gateway.start();
