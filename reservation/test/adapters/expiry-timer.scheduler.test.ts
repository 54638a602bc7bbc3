import { afterEach, describe, expect, test } from "bun:test";
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from "@aws-sdk/client-scheduler";
import { decodeEvent } from "@tt/kit";
import { mockClient } from "aws-sdk-client-mock";
import { atExpression, SchedulerExpiryTimer } from "../../src/adapters/expiry-timer.scheduler.ts";

const scheduler = mockClient(SchedulerClient);
const target = {
  groupName: "prod-holds",
  queueArn: "arn:aws:sqs:ap-northeast-2:123456789012:prod-events",
  roleArn: "arn:aws:iam::123456789012:role/prod-scheduler-to-sqs",
};
const timer = () => new SchedulerExpiryTimer(new SchedulerClient({ region: "ap-northeast-2" }), target);
const hold = {
  reservationId: "rsv_0190f0a1b2c34d5e8f90a1b2c3d4e5f6",
  eventId: "evt_2025_1001",
  holdExpiresAt: Date.UTC(2026, 2, 14, 9, 30, 15, 250),
};

afterEach(() => scheduler.reset());

describe("EventBridge Scheduler expiry timer", () => {
  test("arms a one-time at() schedule that sends reservation.hold_due to the queue and deletes itself", async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: "arn:aws:scheduler:::schedule/x" });
    await timer().schedule(hold);

    const calls = scheduler.commandCalls(CreateScheduleCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    const { Input, ...targetRest } = input?.Target ?? {};
    expect({ ...input, Target: targetRest }).toEqual({
      Name: "hold-rsv_0190f0a1b2c34d5e8f90a1b2c3d4e5f6",
      GroupName: "prod-holds",
      // Rounded up to the whole second so the timer never fires before the hold ends.
      ScheduleExpression: "at(2026-03-14T09:30:16)",
      ScheduleExpressionTimezone: "UTC",
      FlexibleTimeWindow: { Mode: "OFF" },
      ActionAfterCompletion: "DELETE",
      Target: { Arn: target.queueArn, RoleArn: target.roleArn },
    });
    const message = decodeEvent(Input ?? "");
    expect(message.type).toBe("reservation.hold_due");
    expect(message.source).toBe("reservation.timer");
    expect(message.detail.case).toBe("reservationHoldDue");
    expect(message.detail.value).toMatchObject({ reservationId: hold.reservationId, eventId: hold.eventId });
  });

  test("the first look soon after the create has a schedule of its own, so it can arm the hold time while it runs", async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: "arn:aws:scheduler:::schedule/x" });
    await timer().schedule(hold, hold.holdExpiresAt - 57_500);
    await timer().schedule(hold);
    const inputs = scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => [i.Name, i.ScheduleExpression])).toEqual([
      ["look-rsv_0190f0a1b2c34d5e8f90a1b2c3d4e5f6", "at(2026-03-14T09:29:18)"],
      ["hold-rsv_0190f0a1b2c34d5e8f90a1b2c3d4e5f6", "at(2026-03-14T09:30:16)"],
    ]);
    // Both carry the hold's own expiry: the look tells the worker which hold to look at.
    const due = inputs.map((i) => decodeEvent(i.Target?.Input ?? "").detail.value);
    expect(due[0]).toEqual(due[1]);
  });

  test("re-arming a hold that already has a schedule is not an error", async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ Message: "exists", message: "exists", $metadata: {} }));
    await timer().schedule(hold);
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(1);
  });

  test("cancel deletes exactly that hold's schedule in its group", async () => {
    scheduler.on(DeleteScheduleCommand).resolves({});
    await timer().cancel(hold.reservationId);
    expect(scheduler.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input)).toEqual([
      { Name: "hold-rsv_0190f0a1b2c34d5e8f90a1b2c3d4e5f6", GroupName: "prod-holds" },
    ]);
  });

  test("cancelling a schedule that already ran (and deleted itself) is not an error", async () => {
    scheduler
      .on(DeleteScheduleCommand)
      .rejects(new ResourceNotFoundException({ Message: "gone", message: "gone", $metadata: {} }));
    await timer().cancel(hold.reservationId);
  });

  test("a Scheduler outage surfaces as UPSTREAM_UNAVAILABLE", async () => {
    scheduler.on(CreateScheduleCommand).rejects(new Error("socket hang up"));
    const error = await timer()
      .schedule(hold)
      .catch((e) => e);
    expect(error.code).toBe("UPSTREAM_UNAVAILABLE");
  });

  test("at() keeps whole seconds as they are", () => {
    expect(atExpression(Date.UTC(2026, 0, 1, 0, 0, 5))).toBe("at(2026-01-01T00:00:05)");
  });
});
