import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { Batcher, batchRefusals, type QueueUrl, queueUrl } from "@tt/kit";
import type { Delivery, EventQueue } from "../domain/ports.ts";

/** Most entries SQS takes in one DeleteMessageBatch. */
const SQS_BATCH = 10;
/**
 * How long an acknowledgement waits for others to share its DeleteMessageBatch. Messages finish
 * one by one, seldom two in one turn: one DeleteMessage each was 8,576 calls in a 50/s drop, the
 * most of any call the worker or the queue served. Nobody waits on an ack but the slot it frees,
 * and the message stays hidden meanwhile.
 */
const ACK_LINGER_MS = 20;

/** The events queue (and its DLQ, for depth only) on SQS or fauxqs. */
export class SqsEventQueue implements EventQueue {
  private readonly acks = new Batcher<string, Error | undefined>(
    (_, receipts) => this.deleteBatch(receipts),
    {
      maxSize: SQS_BATCH,
      lingerMs: ACK_LINGER_MS,
    },
  );

  constructor(
    private readonly sqs: SQSClient,
    private readonly url: QueueUrl,
    private readonly dlqUrl: QueueUrl,
  ) {}

  /** The queues of these names; their URLs are looked up on first use (SQS may be down at start). */
  static open(sqs: SQSClient, names: { events: string; eventsDlq: string }): SqsEventQueue {
    return new SqsEventQueue(sqs, queueUrl(sqs, names.events), queueUrl(sqs, names.eventsDlq));
  }

  async receive(
    max: number,
    waitSeconds: number,
    visibilitySeconds: number,
    signal: AbortSignal,
  ): Promise<Delivery[]> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: await this.url(),
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        VisibilityTimeout: visibilitySeconds,
        MessageSystemAttributeNames: ["ApproximateReceiveCount", "SentTimestamp"],
      }),
      { abortSignal: signal },
    );
    return Messages.map((m) => ({
      messageId: m.MessageId ?? "",
      body: m.Body ?? "",
      receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? "1"),
      sentAt: Number(m.Attributes?.SentTimestamp ?? Date.now()),
      receipt: m.ReceiptHandle ?? "",
    }));
  }

  async ack(delivery: Delivery): Promise<void> {
    const refused = await this.acks.add("", delivery.receipt);
    if (refused) throw refused;
  }

  // One answer per receipt: undefined when deleted, the refusal when not (the message comes back).
  private async deleteBatch(receipts: string[]): Promise<Array<Error | undefined>> {
    const { Failed = [] } = await this.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: await this.url(),
        Entries: receipts.map((receipt, i) => ({ Id: String(i), ReceiptHandle: receipt })),
      }),
    );
    return batchRefusals(receipts.length, Failed).map((why) =>
      why ? new Error(`SQS kept the message: ${why}`) : undefined,
    );
  }

  async hide(delivery: Delivery, seconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: await this.url(),
        ReceiptHandle: delivery.receipt,
        VisibilityTimeout: Math.max(0, Math.round(seconds)),
      }),
    );
  }

  async depth(): Promise<{ visible: number; inFlight: number; dead: number }> {
    const names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] as const;
    const [main, dlq] = await Promise.all(
      [this.url, this.dlqUrl].map(async (url) =>
        this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: await url(), AttributeNames: [...names] })),
      ),
    );
    const count = (attrs: Record<string, string> | undefined, name: string) => Number(attrs?.[name] ?? "0");
    return {
      visible: count(main?.Attributes, names[0]),
      inFlight: count(main?.Attributes, names[1]),
      // Someone inspecting the DLQ hides its messages for a while; they are still dead letters.
      dead: count(dlq?.Attributes, names[0]) + count(dlq?.Attributes, names[1]),
    };
  }
}
