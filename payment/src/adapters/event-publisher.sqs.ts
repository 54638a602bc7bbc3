import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { type QueueUrl, queueUrl } from "@tt/kit";
import type { EventPublisher, PaymentEvent } from "../domain/ports.ts";
import { encodePaymentEvent } from "./payment-envelope.ts";

/** Sends payment events to the platform event queue as envelope JSON. */
export class SqsEventPublisher implements EventPublisher {
  constructor(
    private readonly sqs: SQSClient,
    private readonly url: QueueUrl,
  ) {}

  /** A publisher to the queue of this name (its URL is looked up on first publish). */
  static forQueue(sqs: SQSClient, queueName: string): SqsEventPublisher {
    return new SqsEventPublisher(sqs, queueUrl(sqs, queueName));
  }

  async publish(event: PaymentEvent): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: await this.url(), MessageBody: encodePaymentEvent(event) }),
    );
  }
}
