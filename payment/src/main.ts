// Wiring only: reads config, builds clients, starts the service on the shared kit.
import {
  awsFields,
  baseFields,
  createDynamoClient,
  createService,
  createSqsClient,
  dynamoCheck,
  readConfig,
  sqsCheck,
} from "@tt/kit";

const config = readConfig("payment", { ...baseFields(8030), ...awsFields() });
const aws = { region: config.awsRegion };
const dynamo = createDynamoClient({ ...aws, endpoint: config.dynamodbEndpoint });
const sqs = createSqsClient({ ...aws, endpoint: config.sqsEndpoint });

const service = createService({
  name: "payment",
  description: "Payment simulator",
  config,
  readiness: [dynamoCheck(dynamo), sqsCheck(sqs)],
  onShutdown: [() => dynamo.destroy(), () => sqs.destroy()],
});
await service.start();
