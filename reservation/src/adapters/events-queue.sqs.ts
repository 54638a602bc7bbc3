import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { AppError, type QueueUrl, queueUrl } from "@tt/kit";

/** Largest DelaySeconds SQS accepts (15 minutes). */
export const MAX_DELAY_SECONDS = 900;

/**
 * The event queue as a send target. Its URL comes from config when given (EVENTS_QUEUE_URL),
 * else it is looked up once by name (`${STAGE}-events`) on first use, so the service starts
 * even while the queue service is still coming up.
 */
export class EventsQueue {
  /** The queue URL (looked up at most once successfully). */
  readonly queueUrl: QueueUrl;

  constructor(
    private readonly sqs: SQSClient,
    name: string,
    configuredUrl?: string,
  ) {
    this.queueUrl = queueUrl(sqs, name, configuredUrl);
  }

  /** Sends one message body, optionally delayed (seconds, capped at the SQS maximum). */
  async send(body: string, delaySeconds = 0): Promise<void> {
    try {
      await this.sqs.send(
        new SendMessageCommand({
          QueueUrl: await this.queueUrl(),
          MessageBody: body,
          DelaySeconds: Math.min(Math.max(0, Math.ceil(delaySeconds)), MAX_DELAY_SECONDS),
        }),
      );
    } catch (error) {
      throw new AppError("UPSTREAM_UNAVAILABLE", "The event queue is unavailable", { cause: error });
    }
  }
}
