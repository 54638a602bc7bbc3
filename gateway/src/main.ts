// Wiring only: reads config, builds clients, starts the service on the shared kit.
import { baseFields, createRedis, createService, readConfig, redisCheck, redisFields } from "@tt/kit";

const config = readConfig("gateway", { ...baseFields(8000), ...redisFields() });
const redis = createRedis(config.redisUrl);

const service = createService({
  name: "gateway",
  description: "The BFF",
  config,
  readiness: [redisCheck(redis)],
  onShutdown: [() => redis.quit()],
});
await service.start();
