// Wiring only: reads config, builds clients, starts the gateway.
import { createRedis, readConfig } from "@tt/kit";
import { createGateway } from "./app.ts";
import { gatewayFields } from "./config.ts";

const config = readConfig("gateway", gatewayFields());
const redis = createRedis(config.redisUrl, undefined, { cluster: config.redisCluster });
const gateway = await createGateway({ config, redis });
gateway.onShutdown(() => redis.quit());
await gateway.start();
