import { GetQueueUrlCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { AppError } from "@tt/kit";

/** Largest DelaySeconds SQS accepts (15 minutes). */
export const MAX_DELAY_SECONDS = 900;

/**
 * The event queue as a send target. Its URL comes from config when given (EVENTS_QUEUE_URL),
 * else it is looked up once by name (`${STAGE}-events`) on first use, so the service starts
 * even while the queue service is still coming up.
 */
export class EventsQueue {
  private url: Promise<string> | undefined;

  constructor(
    private readonly sqs: SQSClient,
    private readonly name: string,
    configuredUrl?: string,
  ) {
    if (configuredUrl) this.url = Promise.resolve(configuredUrl);
  }

  /** The queue URL (looked up at most once successfully). */
  queueUrl(): Promise<string> {
    this.url ??= this.sqs.send(new GetQueueUrlCommand({ QueueName: this.name })).then((r) => {
      if (!r.QueueUrl) throw new Error(`queue ${this.name} has no URL`);
      return r.QueueUrl;
    });
    // A failed lookup is not cached: the next send tries again.
    return this.url.catch((error) => {
      this.url = undefined;
      throw error;
    });
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
