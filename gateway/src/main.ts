// Wiring only: reads config, builds clients, starts the gateway.
import { createRedis, readConfig } from "@tt/kit";
import { createGateway } from "./app.ts";
import { gatewayConfig } from "./config.ts";

const config = readConfig(gatewayConfig);
const redis = createRedis(config.redisUrl, undefined, { cluster: config.redisCluster });
// The waiting room batches its hot calls itself (kit/src/batcher.ts); auto-pipelining on top would
// hold each batch back one more event-loop turn (measured: about a fifth of join's throughput).
const queueRedis = createRedis(config.redisUrl, undefined, {
  cluster: config.redisCluster,
  autoPipelining: false,
});
const gateway = await createGateway({ config, redis, queueRedis });
gateway.onShutdown(() => Promise.all([redis.quit(), queueRedis.quit()]));
await gateway.start();
