// Wiring only: reads config, builds clients, starts the service on the shared kit.
import {
  awsFields,
  baseFields,
  createDynamoClient,
  createRedis,
  createService,
  dynamoCheck,
  readConfig,
  redisCheck,
  redisFields,
} from "@tt/kit";

const config = readConfig("inventory", { ...baseFields(8020), ...awsFields(), ...redisFields() });
const aws = { region: config.awsRegion };
const dynamo = createDynamoClient({ ...aws, endpoint: config.dynamodbEndpoint });
const redis = createRedis(config.redisUrl);

const service = createService({
  name: "inventory",
  description: "Events, seat maps and zero-oversell seat holds",
  config,
  readiness: [dynamoCheck(dynamo), redisCheck(redis)],
  onShutdown: [() => dynamo.destroy(), () => redis.quit()],
});
service.start();
