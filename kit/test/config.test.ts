import { describe, expect, test } from "bun:test";
import {
  awsFields,
  baseFields,
  ConfigError,
  configSchema,
  env,
  identityCheck,
  identityEnv,
  loadConfig,
} from "../src/index.ts";

describe("config from the environment", () => {
  test("defaults apply when variables are unset", () => {
    const config = loadConfig({ ...baseFields(8020), ...awsFields() }, {});
    expect(config.port).toBe(8020);
    expect(config.appEnv).toBe("development");
    expect(config.logLevel).toBe("info");
    expect(config.awsRegion).toBe("us-east-1");
    expect(config.dynamodbEndpoint).toBeUndefined();
  });

  test("values are parsed into their types", () => {
    const config = loadConfig(baseFields(8020), {
      PORT: "9001",
      APP_ENV: "production",
      SHUTDOWN_GRACE_MS: "500",
    });
    expect(config).toMatchObject({ port: 9001, appEnv: "production", shutdownGraceMs: 500 });
  });

  test("every bad variable is named in one error", () => {
    const attempt = () =>
      loadConfig(
        { ...baseFields(8020), ...awsFields() },
        { PORT: "eighty", APP_ENV: "stagingg", DYNAMODB_ENDPOINT: "not a url" },
      );
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(3);
      expect(problems.join("\n")).toContain('PORT must be an integer from 1 to 65535 (got "eighty")');
      expect(problems.join("\n")).toContain("APP_ENV must be one of development, test, staging, production");
      expect(problems.join("\n")).toContain('DYNAMODB_ENDPOINT must be a URL (got "not a url")');
    }
  });

  test("a required variable without a default is reported missing", () => {
    expect(() => loadConfig({ secret: env.string("WEBHOOK_SECRET") }, {})).toThrow(
      "WEBHOOK_SECRET is required",
    );
  });

  test("booleans accept the usual spellings and refuse others", () => {
    const flag = { on: env.bool("FEATURE", false) };
    expect(loadConfig(flag, { FEATURE: "yes" }).on).toBe(true);
    expect(loadConfig(flag, { FEATURE: "0" }).on).toBe(false);
    expect(() => loadConfig(flag, { FEATURE: "maybe" })).toThrow("FEATURE must be true or false");
  });

  test("a service given a bad environment exits 1 with a message naming the variable", async () => {
    const proc = Bun.spawn(
      [
        "bun",
        "-e",
        'import { readConfig, baseFields } from "./src/index.ts"; readConfig("demo", baseFields(1));',
      ],
      {
        cwd: `${import.meta.dir}/..`,
        env: { ...process.env, PORT: "99999" },
        stderr: "pipe",
        stdout: "pipe",
      },
    );
    expect(await proc.exited).toBe(1);
    const stderr = await new Response(proc.stderr).text();
    expect(stderr).toContain("demo: Invalid configuration");
    expect(stderr).toContain("PORT must be an integer from 1 to 65535");
  });
});

describe("secrets and production rules", () => {
  const fields = { appEnv: baseFields(1).appEnv, secret: env.secret("HOOK_SECRET", "dev-value") };

  test("a secret falls back to its dev default outside production only", () => {
    expect(loadConfig(fields, {}).secret).toBe("dev-value");
    expect(loadConfig(fields, { APP_ENV: "test" }).secret).toBe("dev-value");
    expect(loadConfig(fields, { APP_ENV: "production", HOOK_SECRET: " real " }).secret).toBe("real");
    expect(() => loadConfig(fields, { APP_ENV: "production" })).toThrow(
      "HOOK_SECRET is required in production (a secret)",
    );
    expect(() => loadConfig(fields, { APP_ENV: "production", HOOK_SECRET: "  " })).toThrow("HOOK_SECRET");
  });

  test("a schema lists its secrets and runs its checks after the fields, every problem in one error", () => {
    const schema = configSchema(
      "demo",
      { ...fields, key: env.optionalSecret("DEMO_KEY"), port: env.port("PORT", 1) },
      [(c) => (c.appEnv === "production" && !c.key ? ["DEMO_KEY is required in production"] : []), () => []],
    );
    expect(schema.secrets()).toEqual(["HOOK_SECRET", "DEMO_KEY"]);
    expect(schema.load({}).key).toBeUndefined();
    expect(() => schema.load({ APP_ENV: "production", HOOK_SECRET: "x" })).toThrow(
      "DEMO_KEY is required in production",
    );
    // A bad field is reported without running checks that would read it.
    const problems = (() => {
      try {
        schema.load({ APP_ENV: "production", PORT: "0" });
      } catch (error) {
        return (error as ConfigError).problems;
      }
    })();
    expect(problems).toEqual([
      "HOOK_SECRET is required in production (a secret)",
      'PORT must be an integer from 1 to 65535 (got "0")',
    ]);
  });

  test("identityCheck: production needs the service's own key when it calls others and a key of each caller", () => {
    const { env: keys } = identityEnv(["gateway", "reservation", "inventory"]);
    const check = identityCheck("reservation");
    const prod = (extra: Record<string, string | undefined>) =>
      check({ appEnv: "production", serviceSigningKey: undefined, serviceTrustedKeys: undefined, ...extra });
    expect(prod({})).toEqual([
      "SERVICE_SIGNING_KEY is required in production (reservation calls inventory, payment)",
      "SERVICE_TRUSTED_KEYS needs a key of each caller in production (missing: gateway, worker)",
    ]);
    expect(
      prod({
        serviceSigningKey: keys.reservation.SERVICE_SIGNING_KEY,
        serviceTrustedKeys: keys.gateway.SERVICE_TRUSTED_KEYS,
      }),
    ).toEqual(["SERVICE_TRUSTED_KEYS needs a key of each caller in production (missing: worker)"]);
    expect(prod({ serviceSigningKey: "not a key" })[0]).toContain("SERVICE_SIGNING_KEY must be JSON");
    // Outside production nothing is required, but a key that is set must still parse.
    expect(
      check({ appEnv: "development", serviceSigningKey: undefined, serviceTrustedKeys: undefined }),
    ).toEqual([]);
    expect(check({ appEnv: "development", serviceSigningKey: undefined, serviceTrustedKeys: "[" })).toEqual([
      "SERVICE_TRUSTED_KEYS must be JSON",
    ]);
  });
});
