import { contextFromTraceparent, inSpan, type Logger, runAs, SpanKind } from "@tt/kit";
import type { ClaimedJob } from "../domain/ports.ts";

/** How a pass finds and runs due jobs. */
export interface JobPassOptions {
  claim: (now: number, leaseMs: number, limit: number) => Promise<ClaimedJob[]>;
  run: (job: ClaimedJob) => Promise<void>;
  log: Logger;
  /** How long a claimed job stays hidden from other pollers (a crashed runner's jobs come back after it). */
  leaseMs: number;
  /** Jobs claimed per pass; they run concurrently. */
  batch: number;
}

/**
 * One pass over the durable jobs of the payment table, for the kit's Poller: claims what is due
 * and runs it. Because jobs live in DynamoDB with a lease, a restart (or a crash mid-job) loses
 * nothing: the next pass picks the job up once its lease lapses. Returns the jobs claimed when the
 * batch was full (more may be due: poll again soon), else 0.
 */
export function jobPass(options: JobPassOptions): () => Promise<number> {
  const { claim, leaseMs, batch, log } = options;
  const runOne = async (job: ClaimedJob) => {
    try {
      await inSpan(
        `payment.job.${job.kind}`,
        {
          kind: SpanKind.CONSUMER,
          parent: contextFromTraceparent(job.event?.traceparent),
          attributes: { payment_intent_id: job.intentId },
        },
        () => runAs(`job ${job.kind}`, () => options.run(job)),
      );
    } catch (error) {
      // The lease lapses and another pass retries the job.
      log.warn("payment job failed; it will be retried", {
        kind: job.kind,
        payment_intent_id: job.intentId,
        err: error,
      });
    }
  };
  return async () => {
    const claimed = await claim(Date.now(), leaseMs, batch);
    await Promise.all(claimed.map(runOne));
    return claimed.length >= batch ? claimed.length : 0;
  };
}
