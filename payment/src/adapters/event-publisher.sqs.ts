import { GetQueueUrlCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { EventPublisher, PaymentEvent } from "../domain/ports.ts";
import { encodePaymentEvent } from "./payment-envelope.ts";

/** Sends payment events to the platform event queue as envelope JSON. */
export class SqsEventPublisher implements EventPublisher {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /** Resolves the queue's URL by name (it differs between fauxqs and AWS). */
  static async forQueue(sqs: SQSClient, queueName: string): Promise<SqsEventPublisher> {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
    if (!QueueUrl) throw new Error(`queue ${queueName} has no URL`);
    return new SqsEventPublisher(sqs, QueueUrl);
  }

  async publish(event: PaymentEvent): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: encodePaymentEvent(event) }),
    );
  }
}
