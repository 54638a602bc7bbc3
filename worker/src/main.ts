// Wiring only: reads config, builds clients, starts the service on the shared kit.
import { awsFields, baseFields, createService, createSqsClient, readConfig, sqsCheck } from "@tt/kit";

const config = readConfig("worker", { ...baseFields(8040), ...awsFields() });
const aws = { region: config.awsRegion };
const sqs = createSqsClient({ ...aws, endpoint: config.sqsEndpoint });

const service = createService({
  name: "worker",
  description: "Event-queue consumer",
  config,
  readiness: [sqsCheck(sqs)],
  onShutdown: [() => sqs.destroy()],
});
await service.start();
