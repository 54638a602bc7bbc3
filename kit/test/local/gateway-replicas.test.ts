// Two gateway replicas behind the local proxy, as production runs several behind its load
// balancer: one killed with -9 costs the buyers nothing on new connections, and it comes back.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { portBlock } from "../../src/local/ports.ts";
import { type LocalStack, startLocalStack } from "../../src/local/stack.ts";
import { waitUntil } from "../../src/local/wait.ts";

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    web: false,
    // Its own block, as each platform test file has (gateway/test/api: 14000–19000, 27000, 29000).
    ports: portBlock(13000),
    stage: "replicas",
    env: { ...process.env, REDIS_URL: undefined, LOCAL_DATA_DIR: undefined, LOG_LEVEL: "warn" },
    sink: () => undefined,
    gatewayReplicas: 2,
  });
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

/** One request on a connection of its own, as a new buyer's browser opens one. */
async function healthStatus(): Promise<number> {
  const res = await fetch(`${stack.urls.gateway}/healthz`, { headers: { connection: "close" } }).catch(
    () => undefined,
  );
  return res?.status ?? 0;
}

describe("gateway replicas", () => {
  test("two replicas and the proxy run, each replica ready on its own port", async () => {
    const replicas = Object.entries(stack.urls.gatewayReplicas);
    expect(replicas.map(([name]) => name)).toEqual(["gateway", "gateway-2"]);
    for (const [, url] of replicas) expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(stack.pidOf("proxy")).toBeGreaterThan(0);
    expect(await healthStatus()).toBe(200);
  });

  test("a replica killed with -9: every new connection is answered by the other, and it is started again", async () => {
    const pid = stack.pidOf("gateway") ?? 0;
    process.kill(pid, "SIGKILL");
    // A connection handed over in the replica's last instant dies with it, as behind a real
    // balancer; from the moment its port refuses, none is lost.
    await waitUntil(
      "the killed replica's port refusing",
      async () => !(await fetch(`${stack.urls.gatewayReplicas.gateway}/healthz`).catch(() => undefined)),
      { timeoutMs: 5_000, intervalMs: 5 },
    );
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push(await healthStatus());
    expect(statuses).toEqual(Array(20).fill(200));
    await waitUntil(
      "the killed replica started again and ready",
      async () => {
        if ((stack.pidOf("gateway") ?? pid) === pid) return false;
        const res = await fetch(`${stack.urls.gatewayReplicas.gateway}/readyz`).catch(() => undefined);
        return res?.status === 200;
      },
      { timeoutMs: 20_000 },
    );
  }, 40_000);
});
