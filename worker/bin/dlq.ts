#!/usr/bin/env bun
/**
 * The operator's look at the events queue's dead letters:
 *
 *   bun run --cwd worker dlq list                      # what is there, by type and what it is about
 *   bun run --cwd worker dlq redrive [--type T]        # move them (or those of type T) back
 *
 * Reads STAGE, SQS_ENDPOINT and AWS_REGION like the services (`--stage`, `--endpoint` override;
 * the dev stack's defaults otherwise). Payment events are also moved back by the worker itself
 * every WORKER_REDRIVE_MONEY_MS; this is for everything else, and for a look.
 */
import { createSqsClient, DeadLetters, queueNames, queueUrl } from "@tt/kit";

const argv = process.argv.slice(2);
const flag = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const command = argv[0] ?? "list";
if (command !== "list" && command !== "redrive") {
  process.stderr.write("usage: dlq list | dlq redrive [--type TYPE] [--stage S] [--endpoint URL]\n");
  process.exit(2);
}
const stage = flag("stage") ?? process.env.STAGE ?? "local";
const endpoint = flag("endpoint") ?? process.env.SQS_ENDPOINT ?? "http://127.0.0.1:4566";
const sqs = createSqsClient({ region: process.env.AWS_REGION ?? "us-east-1", endpoint });
const names = queueNames(stage);
const letters = new DeadLetters(sqs, queueUrl(sqs, names.events), queueUrl(sqs, names.eventsDlq));
try {
  if (command === "list") {
    const list = await letters.list();
    process.stdout.write(`${names.eventsDlq}: ${list.length} dead letter(s)\n`);
    for (const l of list)
      process.stdout.write(`${l.messageId}  ${l.type}  ${l.about}  redriven ${l.redrives}×\n`);
  } else {
    const type = flag("type");
    const { moved, left } = await letters.redrive((l) => !type || l.type === type);
    process.stdout.write(`moved ${moved} back to ${names.events}; ${left.length} left\n`);
  }
} finally {
  sqs.destroy();
}
