import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { t } from "elysia";
import { createRedis, createService, redisCheck } from "../src/index.ts";
import { eventually, freePort, testConfig } from "../src/testing.ts";

// A private redis-server that the test can stop, to see readiness follow it.
const redisPort = freePort();
let redisProc: ReturnType<typeof Bun.spawn> | undefined;
function startRedis() {
  redisProc = Bun.spawn(["redis-server", "--port", String(redisPort), "--save", "", "--appendonly", "no"], {
    stdout: "ignore",
    stderr: "ignore",
  });
}

const redis = createRedis(`redis://127.0.0.1:${redisPort}`);
const config = testConfig();
const service = createService({
  name: "ops-under-test",
  description: "ops routes test",
  config,
  readiness: [redisCheck(redis)],
  onShutdown: [() => redis.disconnect()],
});
// A route with a JSON body, as every service has: the document must show what it takes.
service.app.post("/v1/things/:id", ({ body }) => body, {
  body: t.Object({ name: t.String({ maxLength: 20 }) }),
});
const base = `http://127.0.0.1:${config.port}`;

beforeAll(async () => {
  startRedis();
  await service.start({ handleSignals: false });
  await eventually(async () => (await fetch(`${base}/readyz`)).status === 200);
});

afterAll(async () => {
  await service.stop();
  redisProc?.kill();
});

describe("operations routes", () => {
  test("/healthz answers while the process is up", async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  test("/readyz reports each dependency and goes 503 when Redis stops, then recovers", async () => {
    const ready = await (await fetch(`${base}/readyz`)).json();
    expect(ready).toMatchObject({ status: "ready", checks: { redis: { ok: true } } });

    redisProc?.kill();
    await redisProc?.exited;
    const down = await fetch(`${base}/readyz`);
    expect(down.status).toBe(503);
    const body = (await down.json()) as { status: string; checks: { redis: { ok: boolean; error: string } } };
    expect(body.status).toBe("not_ready");
    expect(body.checks.redis.ok).toBe(false);
    expect(body.checks.redis.error.length).toBeGreaterThan(0);

    startRedis();
    await eventually(async () => (await fetch(`${base}/readyz`)).status === 200, 10_000);
  });

  test("/metrics exposes request counts and latency by route template", async () => {
    await fetch(`${base}/healthz`);
    await fetch(`${base}/no-such-page-123`);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('http_server_requests_total{method="GET",route="/healthz",status_code="200"');
    expect(text).toContain('route="UNMATCHED",status_code="404"');
    expect(text).not.toContain("no-such-page-123");
    expect(text).toContain("http_server_request_duration_seconds_bucket");
  });

  test("/swagger serves the UI with its assets from this server, not a CDN", async () => {
    const html = await (await fetch(`${base}/swagger`)).text();
    expect(html).toContain("/swagger/assets/swagger-ui-bundle.js");
    expect(html).not.toMatch(/https?:\/\/(unpkg|cdn)/);
    const bundle = await fetch(`${base}/swagger/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    expect((await fetch(`${base}/swagger/assets/..%2Fpackage.json`)).status).toBe(404);
    const spec = (await (await fetch(`${base}/swagger/json`)).json()) as { openapi: string; paths: object };
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toContain("/readyz");
    // Swagger UI's Authorize button needs the bearer scheme; it is optional document-wide.
    const full = spec as unknown as { components: { securitySchemes: object }; security: object[] };
    expect(full.components.securitySchemes).toEqual({
      bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
    });
    expect(full.security).toEqual([{ bearer: [] }, {}]);
    // The kit's own body parser does not hide the body's schema from the document.
    const paths = spec.paths as Record<string, Record<string, { requestBody?: { content: object } }>>;
    expect(paths["/v1/things/{id}"]?.post?.requestBody?.content).toEqual({
      "application/json": {
        schema: expect.objectContaining({
          type: "object",
          properties: { name: expect.objectContaining({ type: "string", maxLength: 20 }) },
        }),
      },
    });
  });

  test("while draining, /readyz is 503 so load balancers stop sending traffic", async () => {
    service.lifecycle.draining = true;
    try {
      const res = await fetch(`${base}/readyz`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { status: string }).status).toBe("draining");
    } finally {
      service.lifecycle.draining = false;
    }
  });
});
