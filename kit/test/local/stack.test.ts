import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SERVICE_NAMES } from "../../src/local/config.ts";
import { isPortFree } from "../../src/local/ports.ts";
import { ChildExitedError, startLocalStack } from "../../src/local/stack.ts";
import { freePort } from "../../src/testing.ts";

// A throwaway repo whose services are tiny stand-ins: these tests are about the launcher's
// failure handling, which needs a service that misbehaves on purpose.
const repo = mkdtempSync(join(tmpdir(), "tt-stack-"));
const healthy = `Bun.serve({ port: Number(process.env.PORT), fetch: () => Response.json({ status: "ready" }) });`;
for (const name of SERVICE_NAMES) {
  mkdirSync(join(repo, name, "src"), { recursive: true });
  const body =
    name === "payment"
      ? `console.error("config error: PAYMENT_PROVIDER is not set"); process.exit(2);`
      : `await Bun.sleep(1500); ${healthy}`;
  writeFileSync(join(repo, name, "src", "main.ts"), body);
}

afterAll(() => rmSync(repo, { recursive: true, force: true }));

/** A free port whose neighbour is free too: each service also takes port + 1 for native gRPC. */
async function freePair(): Promise<number> {
  for (;;) {
    const port = freePort();
    if (port < 65535 && (await isPortFree(port + 1))) return port;
  }
}

async function ports() {
  const services = [];
  for (let i = 0; i < 5; i++) services.push(await freePair());
  const [gateway, reservation, inventory, payment, worker] = services;
  const [redis, dynamodb, sqs] = [freePort(), freePort(), freePort()];
  return { gateway, reservation, inventory, payment, worker, redis, dynamodb, sqs } as Record<string, number>;
}

describe("startLocalStack with demo data", () => {
  test("the web app answers only once the demo data is in", async () => {
    const withWeb = mkdtempSync(join(tmpdir(), "tt-stack-web-"));
    for (const name of SERVICE_NAMES) {
      mkdirSync(join(withWeb, name, "src"), { recursive: true });
      writeFileSync(join(withWeb, name, "src", "main.ts"), healthy);
    }
    mkdirSync(join(withWeb, "web"));
    writeFileSync(join(withWeb, "web", "package.json"), JSON.stringify({ scripts: { dev: "bun serve.ts" } }));
    writeFileSync(
      join(withWeb, "web", "serve.ts"),
      `Bun.serve({ port: Number(process.env.WEB_PORT), fetch: () => new Response("page") });`,
    );
    const block = { ...(await ports()), web: await freePair() };
    const webAddress = `http://127.0.0.1:${block.web}`;
    let answeredWhileSeeding: boolean | undefined;
    const stack = await startLocalStack({
      repoRoot: withWeb,
      env: { ...process.env, REDIS_URL: undefined, STAGE: "seeded" },
      ports: block,
      sink: () => {},
      seed: async () => {
        // Longer than the stand-in web server needs to start, had it been started already.
        await Bun.sleep(1_000);
        answeredWhileSeeding = await fetch(webAddress).then(
          () => true,
          () => false,
        );
      },
    });
    try {
      expect(answeredWhileSeeding).toBe(false);
      expect(stack.urls.web).toBe(webAddress);
      expect(await (await fetch(webAddress)).text()).toBe("page");
    } finally {
      await stack.stop();
      rmSync(withWeb, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("startLocalStack failures", () => {
  test("a service that dies during start fails the start with its output, and nothing is left running", async () => {
    const lines: string[] = [];
    const error = await startLocalStack({
      repoRoot: repo,
      web: false,
      env: { ...process.env, REDIS_URL: undefined, STAGE: "crash" },
      ports: await ports(),
      sink: (l) => lines.push(l),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChildExitedError);
    expect((error as Error).message).toContain("payment");
    expect((error as Error).message).toContain("PAYMENT_PROVIDER is not set");
    const pids = lines.flatMap((l) =>
      [...l.matchAll(/"msg":"started".*"pid":(\d+)/g)].map((m) => Number(m[1])),
    );
    expect(pids.length).toBeGreaterThanOrEqual(8);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  }, 60_000);

  test("a missing service entry is a clear error before anything starts", async () => {
    const error = await startLocalStack({ repoRoot: tmpdir(), web: false, ports: await ports() }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(/gateway[/\\]src[/\\]main\.ts does not exist/);
  });
});
