/**
 * The one place SQS queues are defined, as plain data that Terraform can mirror. The events
 * queue carries domain events from the outbox relay to the worker; poison messages move to the
 * DLQ after a few receives instead of blocking the queue forever.
 */

/** Settings of the events queue and its dead-letter queue. */
export const EVENTS_QUEUE = {
  /** Logical name; physical name is `${stage}-events`. */
  name: "events",
  /** Logical DLQ name; physical name is `${stage}-events-dlq`. */
  dlqName: "events-dlq",
  /**
   * How long a received message stays hidden, and so how long a killed worker's messages wait
   * before another takes them. Short, because the worker renews it while a handler runs
   * (worker/src/transport/consumer.ts): a slow handler is not redelivered, a dead one's work is
   * taken over within seconds.
   */
  visibilityTimeoutSeconds: 10,
  receiveWaitTimeSeconds: 20,
  /** Four days, the SQS default, spelled out so Terraform matches. */
  messageRetentionSeconds: 4 * 24 * 3600,
  maxReceiveCount: 5,
  /** Fourteen days, the SQS maximum: time to inspect and redrive failures. */
  dlqMessageRetentionSeconds: 14 * 24 * 3600,
} as const;

/** Physical queue names for a stage. */
export function queueNames(stage: string): { events: string; eventsDlq: string } {
  return { events: `${stage}-${EVENTS_QUEUE.name}`, eventsDlq: `${stage}-${EVENTS_QUEUE.dlqName}` };
}

/** SQS attributes of the DLQ (all values are strings, as the API wants). */
export function dlqAttributes(): Record<string, string> {
  return { MessageRetentionPeriod: String(EVENTS_QUEUE.dlqMessageRetentionSeconds) };
}

/** SQS attributes of the events queue, redriving to the DLQ with the given ARN. */
export function eventsQueueAttributes(dlqArn: string): Record<string, string> {
  return {
    VisibilityTimeout: String(EVENTS_QUEUE.visibilityTimeoutSeconds),
    ReceiveMessageWaitTimeSeconds: String(EVENTS_QUEUE.receiveWaitTimeSeconds),
    MessageRetentionPeriod: String(EVENTS_QUEUE.messageRetentionSeconds),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: dlqArn,
      maxReceiveCount: EVENTS_QUEUE.maxReceiveCount,
    }),
  };
}
