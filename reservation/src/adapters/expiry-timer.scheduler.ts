import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from "@aws-sdk/client-scheduler";
import { encodeEvent, storeFailure } from "@tt/kit";
import type { ExpiryTimer, HoldRef } from "../domain/ports.ts";
import { timerEnvelope } from "./outbox-events.ts";

/** Where the Scheduler's one-time schedules live and what they invoke. */
export interface SchedulerTarget {
  /** Schedule group (created by Terraform); "default" always exists. */
  groupName: string;
  /** ARN of the event queue the schedule sends `reservation.hold_due` to. */
  queueArn: string;
  /** IAM role EventBridge Scheduler assumes to send to the queue. */
  roleArn: string;
}

/**
 * The schedule name of a hold's timer: one per reservation for its expiry, so re-arming and
 * deleting need no lookup, and another for the first look after the create. The first look
 * arms the expiry while its own schedule may not have deleted itself yet, so the two must differ.
 */
export function scheduleName(reservationId: string, firstLook = false): string {
  return `${firstLook ? "look" : "hold"}-${reservationId}`;
}

/** The `at(...)` expression for an epoch-ms time, rounded up to the next whole second (UTC). */
export function atExpression(ms: number): string {
  const iso = new Date(Math.ceil(ms / 1000) * 1000).toISOString();
  return `at(${iso.slice(0, 19)})`;
}

/**
 * ExpiryTimer on EventBridge Scheduler: a one-time `at(...)` schedule per hold that sends the
 * timer's `reservation.hold_due` message to the event queue and deletes itself after running.
 */
export class SchedulerExpiryTimer implements ExpiryTimer {
  constructor(
    private readonly scheduler: SchedulerClient,
    private readonly target: SchedulerTarget,
  ) {}

  async schedule(hold: HoldRef, at = hold.holdExpiresAt): Promise<void> {
    try {
      await this.scheduler.send(
        new CreateScheduleCommand({
          Name: scheduleName(hold.reservationId, at < hold.holdExpiresAt),
          GroupName: this.target.groupName,
          ScheduleExpression: atExpression(at),
          ScheduleExpressionTimezone: "UTC",
          FlexibleTimeWindow: { Mode: "OFF" },
          ActionAfterCompletion: "DELETE",
          Target: {
            Arn: this.target.queueArn,
            RoleArn: this.target.roleArn,
            Input: encodeEvent(timerEnvelope(hold)),
          },
        }),
      );
    } catch (error) {
      // Already armed for this reservation (a retried create or an early expire): nothing to do.
      if (error instanceof ConflictException) return;
      throw storeFailure(error, "EventBridge Scheduler");
    }
  }

  async cancel(reservationId: string): Promise<void> {
    try {
      await this.scheduler.send(
        new DeleteScheduleCommand({ Name: scheduleName(reservationId), GroupName: this.target.groupName }),
      );
    } catch (error) {
      // Already fired (and deleted itself) or never created. The first look's schedule is left
      // alone: it has mostly run by then, and one that runs later finds the hold ended.
      if (error instanceof ResourceNotFoundException) return;
      throw storeFailure(error, "EventBridge Scheduler");
    }
  }
}
