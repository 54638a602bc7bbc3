import { describe, expect, test } from "bun:test";
import { DEV_WEBHOOK_SECRET, identityEnv } from "@tt/kit";
import { withoutEachSecret } from "@tt/kit/testing";
import { paymentSettings } from "../src/app.ts";
import { paymentConfig } from "../src/config.ts";

const { env: keys } = identityEnv(["gateway", "reservation", "worker"]);
const PRODUCTION = {
  APP_ENV: "production",
  PAYMENT_WEBHOOK_SECRET: "prod-hook-secret",
  SERVICE_TRUSTED_KEYS: keys.gateway.SERVICE_TRUSTED_KEYS,
};

describe("payment configuration in production", () => {
  test("starts with its webhook secret and its callers' keys", () => {
    expect(paymentConfig.load(PRODUCTION).webhookSecret).toBe("prod-hook-secret");
  });

  test("refuses to start without the webhook secret or its callers' keys, naming each", () => {
    expect(withoutEachSecret(paymentConfig, PRODUCTION)).toEqual({
      PAYMENT_WEBHOOK_SECRET: expect.stringContaining("PAYMENT_WEBHOOK_SECRET is required in production"),
      // Payment calls nobody: it needs no key of its own.
      SERVICE_SIGNING_KEY: "started",
      SERVICE_TRUSTED_KEYS: expect.stringContaining("missing: gateway, reservation, worker"),
    });
  });

  test("signs with the first secret of a rotation's list; the dev secret outside production", () => {
    const rotating = paymentConfig.load({ ...PRODUCTION, PAYMENT_WEBHOOK_SECRET: "new-secret,old-secret" });
    expect(paymentSettings(rotating).webhookSecret).toBe("new-secret");
    expect(paymentConfig.load({}).webhookSecret).toBe(DEV_WEBHOOK_SECRET);
  });
});

describe("payment configuration", () => {
  test("refuses a webhook timeout as long as the outbox's staleness: the first attempt holds the event's record", () => {
    expect(
      paymentConfig.load({ PAYMENT_WEBHOOK_TIMEOUT_MS: "4999", OUTBOX_STALE_MS: "5000" }).webhookTimeoutMs,
    ).toBe(4999);
    expect(() => paymentConfig.load({ PAYMENT_WEBHOOK_TIMEOUT_MS: "5000", OUTBOX_STALE_MS: "5000" })).toThrow(
      /PAYMENT_WEBHOOK_TIMEOUT_MS \(5000\) must be below OUTBOX_STALE_MS \(5000\)/,
    );
  });
});
