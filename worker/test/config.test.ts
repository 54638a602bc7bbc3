import { describe, expect, test } from "bun:test";
import { identityEnv } from "@tt/kit";
import { withoutEachSecret } from "@tt/kit/testing";
import { workerConfig } from "../src/config.ts";

const { env: keys } = identityEnv(["worker"]);
const PRODUCTION = { APP_ENV: "production", SERVICE_SIGNING_KEY: keys.worker.SERVICE_SIGNING_KEY };

describe("worker configuration in production", () => {
  test("starts with its signing key, and refuses to start without it", () => {
    expect(workerConfig.load(PRODUCTION).serviceSigningKey).toBe(keys.worker.SERVICE_SIGNING_KEY);
    expect(withoutEachSecret(workerConfig, PRODUCTION)).toEqual({
      SERVICE_SIGNING_KEY: expect.stringContaining(
        "SERVICE_SIGNING_KEY is required in production (worker calls",
      ),
      // Nobody calls the worker.
      SERVICE_TRUSTED_KEYS: "started",
    });
  });

  test("a signing key that is not a key is refused at start, in any environment", () => {
    expect(() => workerConfig.load({ SERVICE_SIGNING_KEY: "{}" })).toThrow(
      "SERVICE_SIGNING_KEY must be an Ed25519",
    );
  });
});
