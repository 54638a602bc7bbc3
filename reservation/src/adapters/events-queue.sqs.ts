import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { Batcher, batchRefusals, type QueueUrl, queueUrl, storeFailure } from "@tt/kit";

/** Largest DelaySeconds SQS accepts (15 minutes). */
export const MAX_DELAY_SECONDS = 900;
/** Most entries SQS takes in one SendMessageBatch. */
const SQS_BATCH = 10;

interface Send {
  body: string;
  delaySeconds: number;
}

const unavailable = (error: unknown) => storeFailure(error, "event queue");

/**
 * The event queue as a send target. Its URL comes from config when given (EVENTS_QUEUE_URL),
 * else it is looked up once by name (`${STAGE}-events`) on first use, so the service starts
 * even while the queue service is still coming up.
 *
 * The sends of one event-loop turn go out together, up to ten to a SendMessageBatch: every hold
 * attempt sends its timer, and in a crowd's burst many attempts start in the same turn (the
 * 50/s drop sent 5,500 timers, one SendMessage each, signed and answered one by one).
 */
export class EventsQueue {
  /** The queue URL (looked up at most once successfully). */
  readonly queueUrl: QueueUrl;
  private readonly batches: Batcher<Send, Error | undefined>;

  constructor(
    private readonly sqs: SQSClient,
    name: string,
    configuredUrl?: string,
  ) {
    this.queueUrl = queueUrl(sqs, name, configuredUrl);
    this.batches = new Batcher((_, sends) => this.sendBatch(sends), { maxSize: SQS_BATCH });
  }

  /** Sends one message body, optionally delayed (seconds, capped at the SQS maximum). */
  async send(body: string, delaySeconds = 0): Promise<void> {
    const refused = await this.batches.add("", { body, delaySeconds });
    if (refused) throw refused;
  }

  // One answer per send: undefined when the queue took it, the refusal when it did not.
  private async sendBatch(sends: Send[]): Promise<Array<Error | undefined>> {
    let res: SendMessageBatchCommandOutput;
    try {
      res = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: await this.queueUrl(),
          Entries: sends.map((s, i) => ({
            Id: String(i),
            MessageBody: s.body,
            DelaySeconds: Math.min(Math.max(0, Math.ceil(s.delaySeconds)), MAX_DELAY_SECONDS),
          })),
        }),
      );
    } catch (error) {
      throw unavailable(error);
    }
    return batchRefusals(sends.length, res.Failed).map((why) =>
      why ? unavailable(new Error(`SQS refused the message: ${why}`)) : undefined,
    );
  }
}
