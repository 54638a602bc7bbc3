import { describe, expect, test } from "bun:test";
import { ConfigError, DEV_RESERVATION_TOKEN_SECRET, identityEnv, MAX_SEATS_PER_RESERVATION } from "@tt/kit";
import { withoutEachSecret } from "@tt/kit/testing";
import { reservationConfig, tokenSecretOf } from "../src/config.ts";

describe("reservation config", () => {
  test("defaults: 60 s holds, 10 seats, a 1.5 s inventory deadline, the SQS timer", () => {
    const config = reservationConfig.load({});
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
        reservationConfig.load({ EXPIRY_TIMER: "scheduler" });
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain("EVENTS_QUEUE_ARN");
    expect(error.message).toContain("SCHEDULER_ROLE_ARN");
  });

  test("seats per reservation: up to the platform's limit that inventory holds to as well (99), not 100", async () => {
    const { inventoryConfig } = await import("../../inventory/src/config.ts");
    for (const schema of [reservationConfig, inventoryConfig]) {
      expect(() =>
        schema.load({ MAX_SEATS_PER_RESERVATION: String(MAX_SEATS_PER_RESERVATION) }),
      ).not.toThrow();
      expect(() => schema.load({ MAX_SEATS_PER_RESERVATION: "100" })).toThrow(/MAX_SEATS_PER_RESERVATION/);
    }
  });

  test("a bad hold length is refused with the variable's name", () => {
    expect(() => reservationConfig.load({ HOLD_SECONDS: "0" })).toThrow(/HOLD_SECONDS/);
  });
});

describe("reservation config in production", () => {
  const { env: keys } = identityEnv(["gateway", "reservation", "worker"]);
  const PRODUCTION = {
    APP_ENV: "production",
    RESERVATION_TOKEN_SECRET: "prod-token-secret",
    ...keys.reservation,
  };

  test("verifies reservation tokens with the secret given, never the dev one", () => {
    expect(tokenSecretOf(reservationConfig.load(PRODUCTION))).toBe("prod-token-secret");
    expect(tokenSecretOf(reservationConfig.load({}))).toBe(DEV_RESERVATION_TOKEN_SECRET);
  });

  test("refuses to start without any one of its secrets, naming it", () => {
    expect(withoutEachSecret(reservationConfig, PRODUCTION)).toEqual({
      RESERVATION_TOKEN_SECRET: expect.stringContaining("RESERVATION_TOKEN_SECRET is required in production"),
      SERVICE_SIGNING_KEY: expect.stringContaining("SERVICE_SIGNING_KEY is required in production"),
      SERVICE_TRUSTED_KEYS: expect.stringContaining("SERVICE_TRUSTED_KEYS needs a key of each caller"),
    });
  });
});
