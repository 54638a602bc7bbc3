import { afterAll, expect, test } from "bun:test";
import { createSqsClient } from "../../src/aws/clients.ts";
import { ensureQueues } from "../../src/aws/provision.ts";
import { queueUrl } from "../../src/aws/queue-url.ts";
import { Supervisor } from "../../src/local/processes.ts";
import { startSqs } from "../../src/local/sqs.ts";
import { freePort } from "../../src/testing.ts";

const sup = new Supervisor({ sink: () => undefined });
afterAll(() => sup.stop());

test("a queue URL is looked up on first use, and a lookup made while SQS was down is retried", async () => {
  const port = freePort();
  const sqs = createSqsClient({ region: "us-east-1", endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 });
  const url = queueUrl(sqs, "qu-events");
  // Nothing is asked at construction, so a service starts (and reports SQS in /readyz) while SQS is down.
  await expect(url()).rejects.toThrow();

  await startSqs(sup, { port });
  await ensureQueues(sqs, "qu");
  expect(await url()).toContain("qu-events");
  expect(await url()).toBe(await url());
  sqs.destroy();
});

test("a configured URL is used as is", async () => {
  const sqs = createSqsClient({ region: "us-east-1", endpoint: "http://127.0.0.1:1" });
  expect(await queueUrl(sqs, "x", "https://sqs.example/123/x")()).toBe("https://sqs.example/123/x");
  sqs.destroy();
});
