// Wiring only: reads config, builds clients and the core, starts the service and the job poller.
import {
  createDynamoClient,
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
const payment = await buildPayment({ dynamo, sqs, settings: paymentSettings(config) });

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
const poller = payment.poller(service.log);
// Hooks run in order: the poller finishes its jobs before the clients it uses are closed.
service.onShutdown(() => poller.stop());
service.onShutdown(() => payment.stopTimers());
service.onShutdown(() => dynamo.destroy());
service.onShutdown(() => sqs.destroy());
await service.start();
poller.start();
