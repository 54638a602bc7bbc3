import type { events } from "@tt/contracts";
import {
  backoffDelay,
  contextFromTraceparent,
  decodeEvent,
  inSpan,
  isUpstreamDown,
  type Logger,
  retrying,
  runAs,
  SpanKind,
} from "@tt/kit";
import type { Outcome } from "../domain/event-handler.ts";
import type { Delivery, EventQueue } from "../domain/ports.ts";

/** Tuning of the consumer loop. */
export interface ConsumerSettings {
  /** Messages handled at once. */
  concurrency: number;
  /** Long-poll wait (SQS caps it at 20 s). */
  waitSeconds: number;
  /**
   * How long a received message stays hidden; renewed while its handler runs, so it only bounds
   * how long a killed worker's messages wait before another worker takes them.
   */
  visibilitySeconds: number;
  /** First retry delay; doubles per receive up to `retryMaxSeconds`. */
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  /** The queue's redrive maxReceiveCount: the receive after this one goes to the DLQ. */
  maxReceives: number;
}

/** What the consumer reports for metrics. */
export interface ConsumerObserver {
  handled(type: string, outcome: Outcome | "retry" | "dead_letter"): void;
  lag(seconds: number): void;
}

const SQS_MAX_BATCH = 10;
/** Visibility renewals per timeout while a handler runs. */
const HEARTBEATS_PER_VISIBILITY = 3;
/** Pauses between tries of a message whose upstream is down: 125–250 ms, doubling to 0.5–1 s. */
const DOWN_BACKOFF = { baseMs: 250, maxMs: 1_000, jitter: 0.5 };

/**
 * The event-queue consumer: long-polls in batches no larger than the free concurrency slots,
 * keeps slow messages hidden while they run, acks on success, waits out an upstream that is down,
 * and on failure hides the message for an exponential backoff so the queue's redrive policy moves
 * a poison message to the DLQ after maxReceives attempts — without ever holding up the others.
 */
export class QueueConsumer {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(
    private readonly queue: EventQueue,
    private readonly handle: (event: events.EventEnvelope) => Promise<Outcome>,
    private readonly settings: ConsumerSettings,
    private readonly observer: ConsumerObserver,
    private readonly log: Logger,
  ) {}

  /** Starts the receive loop in the background. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Stops receiving and waits for the messages in hand to finish. Anything not finished stays
   * hidden until its visibility lapses and is then redelivered, so stopping never loses work.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Messages being handled right now. */
  get busy(): number {
    return this.inFlight.size;
  }

  private async run(): Promise<void> {
    const { concurrency, waitSeconds, visibilitySeconds } = this.settings;
    while (this.running) {
      const free = concurrency - this.inFlight.size;
      if (free <= 0) {
        await Promise.race(this.inFlight);
        continue;
      }
      let batch: Delivery[];
      try {
        batch = await this.queue.receive(
          Math.min(free, SQS_MAX_BATCH),
          waitSeconds,
          visibilitySeconds,
          this.abort.signal,
        );
      } catch (error) {
        if (!this.running) break;
        this.log.warn("receive failed; retrying", { err: error });
        await Bun.sleep(1000);
        continue;
      }
      for (const delivery of batch) {
        this.observer.lag(Math.max(0, (Date.now() - delivery.sentAt) / 1000));
        const task = this.process(delivery).finally(() => this.inFlight.delete(task));
        this.inFlight.add(task);
      }
    }
  }

  private async process(delivery: Delivery): Promise<void> {
    let type = "malformed";
    // Heartbeat: a handler slower than the visibility timeout would otherwise be redelivered
    // to another consumer while it is still running. Renewing every third of the timeout (not
    // every half) leaves a spare: one renewal lost to a slow queue or a busy event loop still
    // lands the next before the message shows again, even with the short timeouts used here.
    const { visibilitySeconds } = this.settings;
    const heartbeat = setInterval(
      () => void this.queue.hide(delivery, visibilitySeconds).catch(() => undefined),
      (visibilitySeconds * 1000) / HEARTBEATS_PER_VISIBILITY,
    );
    try {
      const event = decodeEvent(delivery.body);
      type = event.type;
      const outcome = await inSpan(
        `worker ${type}`,
        {
          kind: SpanKind.CONSUMER,
          parent: contextFromTraceparent(event.traceparent),
          attributes: { event_id: event.id },
        },
        () => runAs(`consume ${type}`, () => this.handleWhileUp(event)),
      );
      clearInterval(heartbeat);
      await this.queue.ack(delivery);
      this.observer.handled(type, outcome);
    } catch (error) {
      clearInterval(heartbeat);
      await this.failed(delivery, type, error);
    }
  }

  // An upstream that did not answer at all (refused, or its breaker open) is being restarted or
  // replaced. Handing the message back to the queue would bring it again 2 s, then 4 s later —
  // a hold's expiry ran 6 s late behind a service that was back after 3.3 s (chaos drop) — so
  // the message is kept in hand and tried again every second or so, for up to one visibility
  // timeout, before the queue's backoff takes over.
  private handleWhileUp(event: events.EventEnvelope): Promise<Outcome> {
    const until = Date.now() + this.settings.visibilitySeconds * 1000;
    return retrying(() => this.handle(event), {
      retries: Number.POSITIVE_INFINITY,
      backoff: DOWN_BACKOFF,
      retryable: isUpstreamDown,
      leftMs: () => until - Date.now(),
      signal: this.abort.signal,
    });
  }

  private async failed(delivery: Delivery, type: string, error: unknown): Promise<void> {
    const { retryBaseSeconds, retryMaxSeconds, maxReceives } = this.settings;
    const last = delivery.receiveCount >= maxReceives;
    const fields = { message_id: delivery.messageId, type, receive_count: delivery.receiveCount, err: error };
    if (last) {
      this.log.error("event failed on its last attempt; the queue moves it to the dead-letter queue", fields);
      this.observer.handled(type, "dead_letter");
    } else {
      this.log.warn("event failed; will retry", fields);
      this.observer.handled(type, "retry");
    }
    // The last attempt is made visible at once so the redrive happens now, not after a backoff.
    const backoff = { baseMs: retryBaseSeconds, maxMs: retryMaxSeconds, jitter: 0 };
    const delay = last ? 0 : backoffDelay(delivery.receiveCount - 1, backoff);
    await this.queue.hide(delivery, delay).catch((err: unknown) => {
      this.log.warn("could not reschedule the event; it returns after its visibility timeout", { err });
    });
  }
}
