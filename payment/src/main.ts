// Wiring only: reads config, builds clients and the core, starts the service and its background loops.
import {
  attesterOf,
  createDynamoClient,
  createLogger,
  createService,
  createSqsClient,
  dynamoCheck,
  instrumentAws,
  sqsCheck,
} from "@tt/kit";
import { buildPayment, paymentSettings } from "./app.ts";
import { readPaymentConfig } from "./config.ts";

const config = readPaymentConfig();
const aws = { region: config.awsRegion };
const dynamo = createDynamoClient({ ...aws, endpoint: config.dynamodbEndpoint });
const sqs = createSqsClient({ ...aws, endpoint: config.sqsEndpoint });
// The core exists before the service (the service mounts its handlers when created), so its
// background loops get a logger of their own, writing the same lines as the service's.
const log = createLogger("payment", config.logLevel);
const payment = await buildPayment({
  dynamo,
  sqs,
  settings: paymentSettings(config),
  log,
  attester: attesterOf("payment", config),
});

const service = createService({
  name: "payment",
  description: "Payment simulator",
  config,
  readiness: [dynamoCheck(dynamo), sqsCheck(sqs)],
  rpc: payment.rpc,
});
payment.observer.attach(service.metrics);
instrumentAws(dynamo, service.metrics, "dynamodb");
instrumentAws(sqs, service.metrics, "sqs");
// Hooks run in order: the loops finish their work and the outbox its publishes before the
// clients they use are closed.
service.onShutdown(() => payment.stop());
service.onShutdown(() => dynamo.destroy());
service.onShutdown(() => sqs.destroy());
await service.start();
payment.start();
