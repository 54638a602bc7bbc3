import { afterEach, describe, expect, test } from "bun:test";
import { createServer, type Server } from "node:net";
import { assertPortsFree, isPortFree, PortBusyError } from "../../src/local/ports.ts";
import { freePort } from "../../src/testing.ts";

let holder: Server | undefined;

function hold(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    holder = createServer();
    holder.once("error", reject);
    holder.listen({ port, host }, () => resolve());
  });
}

afterEach(async () => {
  await new Promise<void>((resolve) => (holder ? holder.close(() => resolve()) : resolve()));
  holder = undefined;
});

describe("port checks", () => {
  test("a port nobody holds is free", async () => {
    expect(await isPortFree(await freePort())).toBe(true);
  });

  test("a port held on 127.0.0.1 is busy", async () => {
    const port = await freePort();
    await hold(port, "127.0.0.1");
    expect(await isPortFree(port)).toBe(false);
  });

  test("a port held on all interfaces is busy", async () => {
    const port = await freePort();
    await hold(port, "0.0.0.0");
    expect(await isPortFree(port)).toBe(false);
  });

  test("a busy port fails with one line naming the port and the env var that moves it", async () => {
    const port = await freePort();
    await hold(port, "127.0.0.1");
    const free = await freePort();
    const error = await assertPortsFree([
      { owner: "worker", port: free, envVar: "WORKER_PORT" },
      { owner: "gateway", port, envVar: "GATEWAY_PORT" },
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortBusyError);
    const message = (error as Error).message;
    expect(message).toContain(`port ${port}`);
    expect(message).toContain("GATEWAY_PORT");
    expect(message).not.toContain("\n");
  });

  test("the same port configured for two listeners is an error naming both variables", async () => {
    const port = await freePort();
    const error = await assertPortsFree([
      { owner: "gateway", port, envVar: "GATEWAY_PORT" },
      { owner: "web", port, envVar: "WEB_PORT" },
    ]).catch((e: unknown) => e);
    expect((error as Error).message).toContain("GATEWAY_PORT");
    expect((error as Error).message).toContain("WEB_PORT");
  });
});
