import { describe, expect, test } from "bun:test";
import { DEV_RESERVATION_TOKEN_SECRET, DEV_WEBHOOK_SECRET, identityEnv } from "@tt/kit";
import { withoutEachSecret } from "@tt/kit/testing";
import { gatewayConfig } from "../src/config.ts";

const { env: keys } = identityEnv(["gateway"]);
const PRODUCTION = {
  APP_ENV: "production",
  JWKS_URL: "https://auth.example.com/.well-known/jwks.json",
  RESERVATION_TOKEN_SECRET: "prod-token-secret",
  PAYMENT_WEBHOOK_SECRET: "prod-hook-secret",
  SERVICE_SIGNING_KEY: keys.gateway.SERVICE_SIGNING_KEY,
};

describe("gateway configuration in production", () => {
  test("starts with its secrets, its key and a JWKS source, using the values given", () => {
    const config = gatewayConfig.load(PRODUCTION);
    expect(config.reservationTokenSecret).toBe("prod-token-secret");
    expect(config.paymentWebhookSecret).toBe("prod-hook-secret");
  });

  test("refuses to start without any one of its secrets, naming it (no dev default in production)", () => {
    expect(withoutEachSecret(gatewayConfig, PRODUCTION)).toEqual({
      RESERVATION_TOKEN_SECRET: expect.stringContaining("RESERVATION_TOKEN_SECRET is required in production"),
      PAYMENT_WEBHOOK_SECRET: expect.stringContaining("PAYMENT_WEBHOOK_SECRET is required in production"),
      SERVICE_SIGNING_KEY: expect.stringContaining("SERVICE_SIGNING_KEY is required in production"),
      // Nobody calls the gateway with a service credential (webhooks are HMAC-signed).
      SERVICE_TRUSTED_KEYS: "started",
    });
    expect(() => gatewayConfig.load({ ...PRODUCTION, JWKS_URL: undefined })).toThrow(
      "JWKS_URL or JWKS_FILE is required when APP_ENV=production",
    );
  });

  test("outside production the local stack's well-known secrets apply", () => {
    const config = gatewayConfig.load({ APP_ENV: "development" });
    expect(config.reservationTokenSecret).toBe(DEV_RESERVATION_TOKEN_SECRET);
    expect(config.paymentWebhookSecret).toBe(DEV_WEBHOOK_SECRET);
  });
});
