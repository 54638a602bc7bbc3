/**
 * Looks into the events dead-letter queue at the end of a drop without taking anything out of
 * it (the kit's DeadLetters): what is there stays for whoever inspects or redrives it after the run.
 */
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { createSqsClient, type DeadLetter, DeadLetters, describeDeadLetter, MALFORMED } from "@tt/kit";
import type { DlqContents, DlqMessage } from "./store-rows.ts";

/** Where the DLQ is: the SQS endpoint (the local emulator) and the queue's URL. */
export interface DlqTarget {
  sqsEndpoint: string;
  dlqUrl: string;
}

// A received message stays hidden this long, so that the next batch brings others; then it is
// back in the queue as it was (nothing is deleted). The count is read before the first receive.
const PEEK_VISIBILITY_SEC = 5;

/** Reads the DLQ's count and up to `maxBatches` × 10 of its messages, leaving them in place. */
export async function readDlq(target: DlqTarget, maxBatches = 5): Promise<DlqContents> {
  const sqs = createSqsClient({
    region: process.env.AWS_REGION ?? "us-east-1",
    endpoint: target.sqsEndpoint,
  });
  try {
    const { Attributes: attrs = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: target.dlqUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    const url = async () => target.dlqUrl;
    // Only listed, never moved: the events queue is not needed.
    const letters = await new DeadLetters(sqs, url, url).list(maxBatches * 10, PEEK_VISIBILITY_SEC);
    return {
      approximateCount: Number(attrs.ApproximateNumberOfMessages ?? 0),
      approximateInFlight: Number(attrs.ApproximateNumberOfMessagesNotVisible ?? 0),
      messages: letters.map(asDlqMessage),
    };
  } finally {
    sqs.destroy();
  }
}

/** A message body as the check reports it (the kit's reading of a dead letter). */
export function describeDlqMessage(messageId: string, body: string): DlqMessage {
  return asDlqMessage(describeDeadLetter(messageId, body));
}

function asDlqMessage(letter: Omit<DeadLetter, "redrives">): DlqMessage {
  const { messageId, type, body, envelopeId, reservationId, paymentIntentId, orderId } = letter;
  return {
    messageId,
    body,
    ...(type === MALFORMED ? {} : { type }),
    ...(envelopeId ? { envelopeId } : {}),
    ...(reservationId ? { reservationId } : {}),
    ...(paymentIntentId ? { paymentIntentId } : {}),
    ...(orderId ? { orderId } : {}),
  };
}
