import { expect, test } from "bun:test";
import { eventually, freePort } from "../src/testing.ts";

test("start runs the started hooks once listening; SIGTERM lets in-flight requests finish, refuses new ones, runs shutdown hooks and exits 0", async () => {
  const port = freePort();
  const child = Bun.spawn(["bun", `${import.meta.dir}/fixtures/slow-service.ts`], {
    env: { ...process.env, PORT: String(port), RPC_PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info" },
    stdout: "pipe",
    stderr: "inherit",
  });
  const base = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.status === 200);

  const inFlight = fetch(`${base}/slow`);
  await Bun.sleep(100);
  child.kill("SIGTERM");
  await Bun.sleep(100);
  const refused = await fetch(`${base}/healthz`).then(
    () => "answered",
    () => "refused",
  );

  const res = await inFlight;
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ done: true });
  expect(refused).toBe("refused");
  expect(await child.exited).toBe(0);
  const out = await new Response(child.stdout).text();
  expect(out.indexOf("hook: loops started")).toBeGreaterThan(out.indexOf('"msg":"listening"'));
  expect(out.indexOf('"msg":"listening"')).toBeGreaterThan(-1);
  expect(out).toContain("hook: closed clients");
  expect(out.indexOf("hook: loops stopped")).toBeGreaterThan(out.indexOf("shutting down"));
  expect(out).toContain('"msg":"stopped"');
});

test("a busy port is a clear one-line error and exit code 1", async () => {
  const port = freePort();
  const holder = Bun.serve({ hostname: "127.0.0.1", port, fetch: () => new Response("taken") });
  try {
    const child = Bun.spawn(["bun", `${import.meta.dir}/fixtures/slow-service.ts`], {
      env: { ...process.env, PORT: String(port), RPC_PORT: "0", HOST: "127.0.0.1" },
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(await child.exited).toBe(1);
    const out = await new Response(child.stdout).text();
    expect(out).toContain(`port ${port} is already in use; set PORT to another port`);
  } finally {
    holder.stop(true);
  }
});
