import { encodeEvent } from "@tt/kit";
import type { ExpiryTimer, HoldRef } from "../domain/ports.ts";
import type { EventsQueue } from "./events-queue.sqs.ts";
import { timerEnvelope } from "./outbox-events.ts";

/**
 * ExpiryTimer on SQS DelaySeconds: the timer's `reservation.hold_due` message becomes visible to
 * the worker at the time asked, in whole seconds (SQS caps the delay at 15 minutes; a longer hold
 * is re-armed by the early expire call). No per-hold quota like EventBridge Scheduler's, no
 * cancel: a message for a hold that ended early finds nothing to expire, and consumers are
 * idempotent.
 */
export class SqsExpiryTimer implements ExpiryTimer {
  constructor(
    private readonly queue: EventsQueue,
    private readonly now: () => number = Date.now,
  ) {}

  async schedule(hold: HoldRef, at = hold.holdExpiresAt): Promise<void> {
    await this.queue.send(encodeEvent(timerEnvelope(hold)), (at - this.now()) / 1000);
  }

  async cancel(): Promise<void> {
    // SQS cannot take back a delayed message; see the class comment.
  }
}
