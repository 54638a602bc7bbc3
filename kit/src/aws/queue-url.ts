import { type BatchResultErrorEntry, GetQueueUrlCommand, type SQSClient } from "@aws-sdk/client-sqs";

/** A queue's URL, looked up by name on first use. */
export type QueueUrl = () => Promise<string>;

/**
 * Resolves a queue's URL by name (it differs between fauxqs and AWS) on first use, so a service
 * starts — and reports SQS in /readyz — even when SQS is down at boot. A successful lookup is
 * kept; a failed one is not, so the next call tries again.
 */
export function queueUrl(sqs: SQSClient, name: string, configured?: string): QueueUrl {
  let url: Promise<string> | undefined = configured ? Promise.resolve(configured) : undefined;
  return () => {
    url ??= sqs.send(new GetQueueUrlCommand({ QueueName: name })).then((r) => {
      if (!r.QueueUrl) throw new Error(`queue ${name} has no URL`);
      return r.QueueUrl;
    });
    return url.catch((error: unknown) => {
      url = undefined;
      throw error;
    });
  };
}

/**
 * What SQS said of each entry of a batch call whose entries were sent with the ids "0", "1", …:
 * why it refused the entry (code and message), or undefined where it took it. A batch call can
 * succeed while refusing some of its entries; each caller fails those alone.
 */
export function batchRefusals(
  count: number,
  failed: BatchResultErrorEntry[] = [],
): Array<string | undefined> {
  const why = new Map(
    failed.map((f) => [f.Id, `${f.Code ?? "unknown"}${f.Message ? `: ${f.Message}` : ""}`]),
  );
  return Array.from({ length: count }, (_, i) => why.get(String(i)));
}
