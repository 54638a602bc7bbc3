// Wiring only: reads config, builds clients and the inventory core, starts the service on the kit.
import {
  createDynamoClient,
  createRedis,
  createService,
  dynamoCheck,
  instrumentAws,
  instrumentRedis,
  readConfig,
  redisCheck,
} from "@tt/kit";
import { buildInventory } from "./app.ts";
import { inventoryConfig } from "./config.ts";
import { type InventoryCore, inventoryRoutes } from "./transport/inventory-routes.ts";

const config = readConfig(inventoryConfig);
const aws = { region: config.awsRegion };
const dynamo = createDynamoClient({ ...aws, endpoint: config.dynamodbEndpoint });
const redis = createRedis(config.redisUrl, undefined, { cluster: config.redisCluster });

// The core reports into the service's metrics registry, which exists only once the service
// does; the handlers read it per call (see inventoryRoutes).
let core: InventoryCore | undefined;
const service = createService({
  name: "inventory",
  description: "Events, seat maps and zero-oversell seat holds",
  config,
  readiness: [dynamoCheck(dynamo), redisCheck(redis)],
  rpc: inventoryRoutes(() => core as InventoryCore),
  onShutdown: [() => dynamo.destroy(), () => redis.quit()],
});
instrumentAws(dynamo, service.metrics, "dynamodb");
instrumentRedis(redis, service.metrics);
core = buildInventory({ dynamo, redis, metrics: service.metrics, settings: config });
await service.start();
