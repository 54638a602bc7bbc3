// Wiring only: reads config, builds the SQS client and the consumer, starts the service.
import {
  createRedis,
  createService,
  createSqsClient,
  instrumentAws,
  instrumentRedis,
  readConfig,
  sqsCheck,
} from "@tt/kit";
import { buildWorker } from "./app.ts";
import { workerConfig } from "./config.ts";

const config = readConfig(workerConfig);
// The long poll outlives the client's default 2 s deadline; give it the wait plus a margin.
const sqs = createSqsClient({
  region: config.awsRegion,
  endpoint: config.sqsEndpoint,
  requestTimeoutMs: (config.waitSeconds + 5) * 1000,
});

const service = createService({
  name: "worker",
  description: "Event-queue consumer",
  config,
  readiness: [sqsCheck(sqs)],
});
instrumentAws(sqs, service.metrics, "sqs");
const redis = createRedis(config.redisUrl, service.log, { cluster: config.redisCluster });
instrumentRedis(redis, service.metrics);
const worker = await buildWorker({
  sqs,
  redis,
  config,
  metrics: service.metrics,
  log: service.log,
  credentials: service.credentials,
});
// Hooks run in order, after the HTTP listener has drained: finish in-flight events, then close SQS.
service.onShutdown(() => worker.stop());
service.onShutdown(() => sqs.destroy());
service.onShutdown(() => redis.quit());
await service.start();
worker.start();
