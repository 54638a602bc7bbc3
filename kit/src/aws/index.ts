/** AWS client factories, item reads and versioned changes, tables and queues and their provisioning. */
export { type AwsClientConfig, createDynamoClient, createSqsClient } from "./clients.ts";
export * from "./items.ts";
export { ensureQueues, ensureTable, ensureTables, type QueueRefs } from "./provision.ts";
export { dlqAttributes, EVENTS_QUEUE, eventsQueueAttributes, queueNames } from "./queues.ts";
export * from "./store-errors.ts";
export {
  INDEXES,
  type IndexDef,
  TABLE_NAMES,
  TABLES,
  type TableDef,
  type TableName,
  TTL_ATTRIBUTE,
  tableName,
  tableNames,
} from "./tables.ts";
