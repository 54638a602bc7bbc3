import { describe, expect, test } from "bun:test";
import { LocalConfigError, resolvePorts } from "../../src/local/config.ts";
import {
  assertPrerequisites,
  JAVA,
  MissingPrerequisiteError,
  REDIS_SERVER,
} from "../../src/local/prereqs.ts";

describe("resolvePorts", () => {
  test("uses the documented defaults", () => {
    expect(resolvePorts({})).toEqual({
      gateway: 8000,
      reservation: 8010,
      inventory: 8020,
      payment: 8030,
      worker: 8040,
      web: 3000,
      redis: 6390,
      dynamodb: 8100,
      sqs: 4566,
    });
  });

  test("env vars move ports, explicit overrides win over env", () => {
    const ports = resolvePorts({ GATEWAY_PORT: "9000", SQS_PORT: "9566" }, { gateway: 9100 });
    expect(ports.gateway).toBe(9100);
    expect(ports.sqs).toBe(9566);
  });

  test("a bad value names its variable", () => {
    expect(() => resolvePorts({ DYNAMODB_PORT: "eighty" })).toThrow(LocalConfigError);
    expect(() => resolvePorts({ DYNAMODB_PORT: "eighty" })).toThrow(/DYNAMODB_PORT/);
  });
});

describe("assertPrerequisites", () => {
  test("a missing program is one line with the command that installs it", () => {
    const error = (() => {
      try {
        assertPrerequisites([JAVA, REDIS_SERVER], "/nonexistent");
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(MissingPrerequisiteError);
    expect(error?.message).toContain("java");
    expect(error?.message).toContain("sudo apt-get install -y openjdk-17-jre-headless");
    expect(error?.message).not.toContain("\n");
  });

  test("passes when the programs are on PATH", () => {
    expect(() => assertPrerequisites([JAVA, REDIS_SERVER])).not.toThrow();
  });
});
