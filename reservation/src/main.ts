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

const config = readConfig("reservation", { ...baseFields(8010), ...awsFields() });
const aws = { region: config.awsRegion };
const dynamo = createDynamoClient({ ...aws, endpoint: config.dynamodbEndpoint });
const sqs = createSqsClient({ ...aws, endpoint: config.sqsEndpoint });

const service = createService({
  name: "reservation",
  description: "Reservation lifecycle",
  config,
  readiness: [dynamoCheck(dynamo), sqsCheck(sqs)],
  onShutdown: [() => dynamo.destroy(), () => sqs.destroy()],
});
service.start();
