import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { Redis } from "ioredis";
import { createDynamoClient, createSqsClient } from "../../src/aws/clients.ts";
import { TABLE_NAMES } from "../../src/aws/tables.ts";
import { SERVICE_NAMES } from "../../src/local/config.ts";
import { isPortFree } from "../../src/local/ports.ts";
import { type LocalStack, startLocalStack } from "../../src/local/stack.ts";
import { waitUntil } from "../../src/local/wait.ts";

// 18xxx so the smoke test never collides with a dev stack on the default ports.
const PORTS = {
  gateway: 18000,
  reservation: 18010,
  inventory: 18020,
  payment: 18030,
  worker: 18040,
  web: 18300,
  redis: 18390,
  dynamodb: 18100,
  sqs: 18566,
};

/** True while the pid runs; a zombie awaiting its reaper counts as gone. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

let stack: LocalStack;
const output: string[] = [];

beforeAll(async () => {
  stack = await startLocalStack({
    web: false,
    ports: PORTS,
    stage: "smoke",
    // Its own Redis, whatever the caller's shell points REDIS_URL at.
    env: { ...process.env, REDIS_URL: undefined, LOCAL_DATA_DIR: undefined },
    sink: (line) => output.push(line),
  });
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

describe("local platform", () => {
  test("every service reports ready", async () => {
    for (const name of SERVICE_NAMES) {
      const res = await fetch(`${stack.urls.services[name]}/readyz`);
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
      expect(((await res.json()) as { status: string }).status).toBe("ready");
    }
  });

  test("the gateway answers /healthz, /metrics and /swagger", async () => {
    const health = await fetch(`${stack.urls.gateway}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });

    const metrics = await fetch(stack.urls.metrics.gateway);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain("# TYPE");

    const swagger = await fetch(stack.urls.swagger.gateway);
    expect(swagger.status).toBe(200);
    expect(swagger.headers.get("content-type")).toContain("text/html");

    const openapi = await fetch(`${stack.urls.gateway}/swagger/json`);
    expect(openapi.status).toBe(200);
    expect(((await openapi.json()) as { openapi?: string }).openapi).toBeString();
  });

  test("tables and queues were provisioned for the stage", async () => {
    const ddb = createDynamoClient({ region: "us-east-1", endpoint: stack.urls.dynamodb });
    try {
      const { TableNames = [] } = await ddb.send(new ListTablesCommand({}));
      for (const name of TABLE_NAMES) expect(TableNames).toContain(`smoke-${name}`);
    } finally {
      ddb.destroy();
    }
    expect(stack.queues.eventsUrl).toEndWith("/smoke-events");
    expect(stack.env.SQS_ENDPOINT).toBe(`http://127.0.0.1:${PORTS.sqs}`);
  });

  /** Kills `name` with SIGKILL and waits until its next start is running; returns the new pid. */
  async function killAndAwaitRestart(name: string): Promise<number> {
    const before = stack.pidOf(name) ?? 0;
    expect(alive(before)).toBe(true);
    process.kill(before, "SIGKILL");
    await waitUntil(`${name} restarted`, async () => (stack.pidOf(name) ?? before) !== before, {
      timeoutMs: 10_000,
    });
    return stack.pidOf(name) ?? 0;
  }

  test("a service killed with -9 is started again and answers again, as Kubernetes would restart it", async () => {
    await killAndAwaitRestart("reservation");
    await waitUntil(
      "reservation ready again",
      async () => {
        const res = await fetch(`${stack.urls.services.reservation}/readyz`).catch(() => undefined);
        return res?.status === 200;
      },
      { timeoutMs: 20_000 },
    );
    expect(output.some((l) => l.includes('"msg":"exited; restarting"') && l.includes("reservation"))).toBe(
      true,
    );
  }, 40_000);

  test("Redis killed with -9 comes back with its data, and the gateway is ready again", async () => {
    const redis = new Redis(stack.urls.redis, { maxRetriesPerRequest: 1 });
    redis.on("error", () => undefined);
    try {
      await redis.set("smoke:kept", "yes");
      await Bun.sleep(1500); // the append-only file is synced every second
      await killAndAwaitRestart("redis");
      await waitUntil("Redis answers", async () => (await redis.ping().catch(() => "")) === "PONG", {
        timeoutMs: 10_000,
      });
      expect(await redis.get("smoke:kept")).toBe("yes");
    } finally {
      redis.disconnect();
    }
    await waitUntil(
      "gateway ready again",
      async () => {
        const res = await fetch(`${stack.urls.gateway}/readyz`).catch(() => undefined);
        return res?.status === 200;
      },
      { timeoutMs: 20_000 },
    );
  }, 40_000);

  test("the SQS emulator killed with -9 comes back with its messages", async () => {
    const sqs = createSqsClient({ region: "us-east-1", endpoint: stack.urls.sqs });
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "smoke-restart-probe" }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "still here" }));
      await killAndAwaitRestart("sqs");
      let bodies: string[] = [];
      await waitUntil(
        "the message after the restart",
        async () => {
          const got = await sqs
            .send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }))
            .catch(() => undefined);
          bodies = (got?.Messages ?? []).map((m) => m.Body ?? "");
          return bodies.length > 0;
        },
        { timeoutMs: 15_000 },
      );
      expect(bodies).toEqual(["still here"]);
    } finally {
      sqs.destroy();
    }
  }, 40_000);

  test("stop() leaves no child process and frees every port", async () => {
    const pids = stack.pids();
    // redis, dynamodb, sqs and five services, each in its latest start (the restarted ones' first
    // starts are gone).
    expect(pids.filter(alive)).toHaveLength(8);
    await stack.stop();
    expect(pids.filter(alive)).toEqual([]);
    const { web: _web, ...used } = PORTS;
    for (const port of Object.values(used))
      expect({ port, free: await isPortFree(port) }).toEqual({ port, free: true });
  }, 30_000);
});
