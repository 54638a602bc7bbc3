/**
 * Looks into the events dead-letter queue at the end of a drop without taking anything out of
 * it: what is there stays for whoever inspects or redrives it after the run.
 */
import {
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { createSqsClient } from "@tt/kit";
import type { DlqContents, DlqMessage } from "./store-check.ts";

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
    return {
      approximateCount: Number(attrs.ApproximateNumberOfMessages ?? 0),
      approximateInFlight: Number(attrs.ApproximateNumberOfMessagesNotVisible ?? 0),
      messages: await peek(sqs, target.dlqUrl, maxBatches),
    };
  } finally {
    sqs.destroy();
  }
}

async function peek(sqs: SQSClient, queueUrl: string, maxBatches: number): Promise<DlqMessage[]> {
  const seen = new Map<string, DlqMessage>();
  for (let batch = 0; batch < maxBatches; batch++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: PEEK_VISIBILITY_SEC,
      }),
    );
    // An emulator may hand the same message out again; a batch with nothing new ends the read.
    const fresh = Messages.filter((m): m is Message & { MessageId: string } =>
      Boolean(m.MessageId && !seen.has(m.MessageId)),
    );
    if (fresh.length === 0) break;
    for (const m of fresh) seen.set(m.MessageId, describeDlqMessage(m.MessageId, m.Body ?? ""));
  }
  return [...seen.values()];
}

function field(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}
const opt = <K extends string>(key: K, v: string | undefined) =>
  v === undefined ? {} : ({ [key]: v } as Record<K, string>);

/**
 * A message body as the check reports it. Bodies are the platform's event envelope
 * (kit/src/events.ts: `{id, type, source, time, …, detail}`, detail in proto JSON with snake_case
 * names); the ids are read loosely, since a body that failed decoding is a likely DLQ resident.
 */
export function describeDlqMessage(messageId: string, body: string): DlqMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { messageId, body };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { messageId, body };
  const envelope = parsed as Record<string, unknown>;
  const type = field(envelope, "type");
  if (type === undefined) return { messageId, body };
  const raw = envelope.detail;
  const detail = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  return {
    messageId,
    type,
    body,
    ...opt("envelopeId", field(envelope, "id")),
    ...opt("reservationId", field(detail, "reservation_id")),
    ...opt("paymentIntentId", field(detail, "payment_intent_id")),
    ...opt("orderId", field(detail, "order_id")),
  };
}
