import { contextFromTraceparent, inSpan, type Logger, runAs, SpanKind } from "@tt/kit";
import type { ClaimedJob } from "../domain/ports.ts";

/** How the poller finds and runs due jobs. */
export interface JobPollerOptions {
  claim: (now: number, leaseMs: number, limit: number) => Promise<ClaimedJob[]>;
  run: (job: ClaimedJob) => Promise<void>;
  log: Logger;
  /** Pause between polls when nothing was due. */
  intervalMs: number;
  /** How long a claimed job stays hidden from other pollers (a crashed runner's jobs come back after it). */
  leaseMs: number;
  /** Jobs claimed per poll; they run concurrently. */
  batch: number;
}

/**
 * Drives the durable jobs of the payment table: claims what is due, runs it, repeats. Because
 * jobs live in DynamoDB with a lease, a restart (or a crash mid-job) loses nothing: the next
 * poller picks the job up once its lease lapses.
 */
export class JobPoller {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: JobPollerOptions) {}

  /** Starts polling in the background. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.poll();
  }

  /** Stops claiming and waits for the jobs in hand to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async poll(): Promise<void> {
    const { claim, leaseMs, batch, intervalMs, log } = this.options;
    while (this.running) {
      let claimed: ClaimedJob[] = [];
      try {
        claimed = await runAs("job poller", () => claim(Date.now(), leaseMs, batch));
        await Promise.all(claimed.map((job) => this.runOne(job)));
      } catch (error) {
        log.warn("job poll failed", { err: error });
      }
      // A full batch means more may be due: poll again at once instead of sleeping.
      if (claimed.length < batch) await this.sleep(intervalMs);
    }
  }

  private async runOne(job: ClaimedJob): Promise<void> {
    const parent = contextFromTraceparent(job.event?.traceparent);
    try {
      await inSpan(
        `payment.job.${job.kind}`,
        { kind: SpanKind.CONSUMER, parent, attributes: { payment_intent_id: job.intentId } },
        () => runAs(`job ${job.kind}`, () => this.options.run(job)),
      );
    } catch (error) {
      // The lease lapses and another poll retries the job.
      this.options.log.warn("payment job failed; it will be retried", {
        kind: job.kind,
        payment_intent_id: job.intentId,
        err: error,
      });
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
