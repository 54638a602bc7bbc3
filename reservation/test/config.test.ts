import { describe, expect, test } from "bun:test";
import { ConfigError } from "@tt/kit";
import { loadReservationConfig } from "../src/config.ts";

describe("reservation config", () => {
  test("defaults: 60 s holds, 10 seats, a 1.5 s inventory deadline, the SQS timer", () => {
    const config = loadReservationConfig({});
    expect(config).toMatchObject({
      holdSeconds: 60,
      maxSeats: 10,
      inventoryTimeoutMs: 1500,
      expiryTimer: "sqs",
      port: 8010,
    });
  });

  test("the Scheduler timer needs the queue and role ARNs, named in the error", () => {
    const error = (() => {
      try {
        loadReservationConfig({ EXPIRY_TIMER: "scheduler" });
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain("EVENTS_QUEUE_ARN");
    expect(error.message).toContain("SCHEDULER_ROLE_ARN");
  });

  test("a bad hold length is refused with the variable's name", () => {
    expect(() => loadReservationConfig({ HOLD_SECONDS: "0" })).toThrow(/HOLD_SECONDS/);
  });
});
