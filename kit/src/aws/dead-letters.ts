/**
 * The events queue's dead letters: listed (by an operator, by the drop's store checks), and moved
 * back to the events queue (a redrive, by the worker and by an operator). Each message moved carries how many times it has been moved (`tt-redrives`), so a
 * message that keeps failing is not moved for ever: past `maxRedrives` it stays for a person.
 */
import {
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { QueueUrl } from "./queue-url.ts";

const REDRIVES = "tt-redrives";

/** The type a dead letter gets when its body is not an event envelope. */
export const MALFORMED = "malformed";

/** One dead letter as an operator sees it. */
export interface DeadLetter {
  messageId: string;
  /** The envelope's event type, or MALFORMED. */
  type: string;
  /** The ids the event is about (reservation, payment intent), space-separated; "" when none. */
  about: string;
  envelopeId?: string;
  reservationId?: string;
  paymentIntentId?: string;
  orderId?: string;
  /** Times this message has already been moved back. */
  redrives: number;
  body: string;
}

export class DeadLetters {
  constructor(
    private readonly sqs: Pick<SQSClient, "send">,
    private readonly eventsUrl: QueueUrl,
    private readonly dlqUrl: QueueUrl,
  ) {}

  /**
   * Up to `max` dead letters, read without taking them: each is hidden only `peekSeconds` (a
   * receive always hides) and then visible again.
   */
  async list(max = 100, peekSeconds = 5): Promise<DeadLetter[]> {
    const seen = new Map<string, DeadLetter>();
    while (seen.size < max) {
      const batch = await this.receive(Math.min(10, max - seen.size), peekSeconds);
      const fresh = batch.filter((m) => !seen.has(m.MessageId ?? ""));
      if (fresh.length === 0) break;
      for (const m of fresh) seen.set(m.MessageId ?? "", describe(m));
    }
    return [...seen.values()];
  }

  /**
   * Moves dead letters back to the events queue (send, then delete: a crash in between leaves a
   * copy in both, and every consumer is idempotent). Only those `which` accepts, and none moved
   * `maxRedrives` times already. Returns how many were moved and how many were left.
   */
  async redrive(
    which: (letter: DeadLetter) => boolean = () => true,
    maxRedrives = Number.POSITIVE_INFINITY,
  ): Promise<{ moved: number; left: DeadLetter[] }> {
    let moved = 0;
    const left: DeadLetter[] = [];
    // Messages left are hidden for the rest of the pass, so each is looked at once.
    for (;;) {
      const batch = await this.receive(10, 60);
      if (batch.length === 0) break;
      for (const m of batch) {
        const letter = describe(m);
        if (!which(letter) || letter.redrives >= maxRedrives) {
          left.push(letter);
          continue;
        }
        await this.sqs.send(
          new SendMessageCommand({
            QueueUrl: await this.eventsUrl(),
            MessageBody: letter.body,
            MessageAttributes: {
              [REDRIVES]: { DataType: "Number", StringValue: String(letter.redrives + 1) },
            },
          }),
        );
        await this.sqs.send(
          new DeleteMessageCommand({ QueueUrl: await this.dlqUrl(), ReceiptHandle: m.ReceiptHandle }),
        );
        moved += 1;
      }
    }
    return { moved, left };
  }

  private async receive(max: number, visibilitySeconds: number): Promise<Message[]> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: await this.dlqUrl(),
        MaxNumberOfMessages: max,
        WaitTimeSeconds: 0,
        VisibilityTimeout: visibilitySeconds,
        MessageAttributeNames: [REDRIVES],
      }),
    );
    return Messages;
  }
}

function describe(m: Message): DeadLetter {
  return {
    ...describeDeadLetter(m.MessageId ?? "", m.Body ?? ""),
    redrives: Number(m.MessageAttributes?.[REDRIVES]?.StringValue ?? "0"),
  };
}

const text = (o: Record<string, unknown>, key: string) => {
  const v = o[key];
  return typeof v === "string" && v !== "" ? v : undefined;
};

/**
 * A message body as a dead letter: the platform's event envelope (kit/src/events.ts, detail in
 * proto JSON with snake_case names) read loosely, since a body that failed decoding is a likely
 * resident of the DLQ. Never redriven automatically when it is not an envelope.
 */
export function describeDeadLetter(messageId: string, body: string): Omit<DeadLetter, "redrives"> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const envelope =
    typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  const type = text(envelope, "type");
  if (type === undefined) return { messageId, type: MALFORMED, about: "", body };
  const raw = envelope.detail;
  const detail = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  const ids = {
    envelopeId: text(envelope, "id"),
    reservationId: text(detail, "reservation_id"),
    paymentIntentId: text(detail, "payment_intent_id"),
    orderId: text(detail, "order_id"),
  };
  const about = [ids.reservationId, ids.paymentIntentId].filter(Boolean).join(" ");
  const present = Object.fromEntries(Object.entries(ids).filter(([, v]) => v !== undefined));
  return { messageId, type, about, body, ...present };
}
