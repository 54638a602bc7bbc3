import { describe, expect, test } from "bun:test";
import { identityEnv } from "@tt/kit";
import { withoutEachSecret } from "@tt/kit/testing";
import { inventoryConfig } from "../src/config.ts";

const { env: keys } = identityEnv(["gateway", "reservation"]);
const PRODUCTION = { APP_ENV: "production", SERVICE_TRUSTED_KEYS: keys.gateway.SERVICE_TRUSTED_KEYS };

describe("inventory configuration in production", () => {
  test("starts with its callers' keys, and refuses to start without them", () => {
    expect(inventoryConfig.load(PRODUCTION).appEnv).toBe("production");
    expect(withoutEachSecret(inventoryConfig, PRODUCTION)).toEqual({
      // Inventory calls nobody: it needs no key of its own.
      SERVICE_SIGNING_KEY: "started",
      SERVICE_TRUSTED_KEYS: expect.stringContaining("missing: gateway, reservation"),
    });
  });

  test("outside production it starts with no keys at all (the developer key is trusted)", () => {
    expect(inventoryConfig.load({}).serviceTrustedKeys).toBeUndefined();
  });
});
