// The dead-letter queue on the real SQS emulator: listing, moving back, the redrive cap, and the
// worker moving payment events back by itself.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { create } from "@bufbuild/protobuf";
import { events } from "@tt/contracts";
import { DeadLetters, type EventDetail, encodeEvent, newEvent } from "@tt/kit";
import { startQueues } from "./support.ts";

let q: Awaited<ReturnType<typeof startQueues>>;
let letters: DeadLetters;

beforeAll(async () => {
  q = await startQueues();
  letters = new DeadLetters(
    q.sqs,
    async () => q.queues.eventsUrl,
    async () => q.queues.dlqUrl,
  );
});
afterAll(() => q?.stop());

const approved = (reservationId: string) =>
  encodeEvent(
    newEvent("payment", {
      case: "paymentApproved",
      value: create(events.PaymentApprovedSchema, { paymentIntentId: `pi_${reservationId}`, reservationId }),
    } as EventDetail),
  );
const dead = (body: string) =>
  q.sqs.send(new SendMessageCommand({ QueueUrl: q.queues.dlqUrl, MessageBody: body }));

async function drainEvents(): Promise<{ body: string; redrives: string | undefined }[]> {
  const out: { body: string; redrives: string | undefined }[] = [];
  for (;;) {
    const { Messages = [] } = await q.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: q.queues.eventsUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0) return out;
    for (const m of Messages)
      out.push({ body: m.Body ?? "", redrives: m.MessageAttributes?.["tt-redrives"]?.StringValue });
  }
}

describe("dead letters", () => {
  test("are listed by type and what they are about, without being taken", async () => {
    await dead(approved("rsv_list"));
    await dead("not json");
    const list = await letters.list(10, 1);
    expect(list.map((l) => [l.type, l.about]).sort()).toEqual([
      ["malformed", ""],
      ["payment.approved", "rsv_list pi_rsv_list"],
    ]);
    await Bun.sleep(1100);
    // Still there for the next look.
    expect(await letters.list(10, 1)).toHaveLength(2);
    await Bun.sleep(1100);
    // Clean up for the next test: move everything back and drain it.
    await letters.redrive();
    await drainEvents();
  });

  test("move back only what is asked for, counting each move, and not past the cap", async () => {
    const body = approved("rsv_move");
    await dead(body);
    await dead("not json");
    const first = await letters.redrive((l) => l.type === "payment.approved", 2);
    expect(first.moved).toBe(1);
    expect(first.left.map((l) => l.type)).toEqual(["malformed"]);
    expect(await drainEvents()).toEqual([{ body, redrives: "1" }]);

    // The same event dead again after two moves already: it stays for an operator.
    await q.sqs.send(
      new SendMessageCommand({
        QueueUrl: q.queues.dlqUrl,
        MessageBody: body,
        MessageAttributes: { "tt-redrives": { DataType: "Number", StringValue: "2" } },
      }),
    );
    const second = await letters.redrive((l) => l.type === "payment.approved", 2);
    expect(second.moved).toBe(0);
    expect(second.left.map((l) => [l.type, l.redrives])).toContainEqual(["payment.approved", 2]);
    expect(await drainEvents()).toEqual([]);
  });
});
