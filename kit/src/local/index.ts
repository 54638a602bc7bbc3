/** The one-command local platform (`@tt/kit/local`): start it all, wait for ready, stop it all. */
export {
  LocalConfigError,
  type LocalPorts,
  PORTS,
  resolvePorts,
  SERVICE_NAMES,
  type ServiceName,
} from "./config.ts";
export { dynamoCommand, dynamoEmulatorDir, startDynamo } from "./dynamodb.ts";
export { createLauncherLog, type LauncherLog, type LineSink } from "./log.ts";
export { assertPortsFree, isPortFree, PortBusyError, type PortClaim, portBlock } from "./ports.ts";
export {
  assertPrerequisites,
  JAVA,
  MissingPrerequisiteError,
  type Prerequisite,
  REDIS_SERVER,
} from "./prereqs.ts";
export { type Child, type ChildSpec, Supervisor, type SupervisorOptions } from "./processes.ts";
export { waitForReady } from "./readiness.ts";
export { redisAnswers, startRedis, waitForRedis } from "./redis.ts";
export { startSqs } from "./sqs.ts";
export {
  ChildExitedError,
  type LocalStack,
  type LocalStackOptions,
  type LocalUrls,
  startLocalStack,
} from "./stack.ts";
export { startWeb, webHasDevScript } from "./web.ts";
