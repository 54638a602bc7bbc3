import { afterAll, describe, expect, test } from "bun:test";
import { waitForReady } from "../../src/local/readiness.ts";
import { WaitTimeoutError } from "../../src/local/wait.ts";

const ready = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => Response.json({ status: "ready" }) });
const notReady = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: () => Response.json({ status: "not_ready", checks: { redis: { ok: false } } }, { status: 503 }),
});

afterAll(() => {
  ready.stop(true);
  notReady.stop(true);
});

describe("waitForReady", () => {
  test("returns once every /readyz answers 200", async () => {
    await waitForReady({ gateway: `http://127.0.0.1:${ready.port}` }, { timeoutMs: 2_000 });
  });

  test("on timeout names the service that is not ready and what its /readyz said", async () => {
    const error = await waitForReady(
      { gateway: `http://127.0.0.1:${ready.port}`, inventory: `http://127.0.0.1:${notReady.port}` },
      { timeoutMs: 500, intervalMs: 100 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    const message = (error as Error).message;
    expect(message).toContain("inventory: /readyz 503");
    expect(message).toContain('"redis":{"ok":false}');
    expect(message).not.toContain("gateway");
  });
});
