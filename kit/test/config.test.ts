import { describe, expect, test } from "bun:test";
import { awsFields, baseFields, ConfigError, env, loadConfig } from "../src/index.ts";

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
        { PORT: "eighty", APP_ENV: "staging", DYNAMODB_ENDPOINT: "not a url" },
      );
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(3);
      expect(problems.join("\n")).toContain('PORT must be an integer from 1 to 65535 (got "eighty")');
      expect(problems.join("\n")).toContain("APP_ENV must be one of development, test, production");
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
