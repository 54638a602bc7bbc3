import { expect, test } from "bun:test";
import { createService } from "../src/index.ts";
import { testConfig } from "../src/testing.ts";

test("past MAX_IN_FLIGHT_REQUESTS a request is answered at once with 503 OVERLOADED; health is always answered", async () => {
  const service = createService({
    name: "gate-under-test",
    description: "request gate test",
    config: testConfig({ MAX_IN_FLIGHT_REQUESTS: "2" }),
  });
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const app = service.app.get("/slow", async () => {
    await released;
    return { ok: true };
  });
  const call = (path: string) => app.handle(new Request(`http://local${path}`));
  const slow = [call("/slow"), call("/slow")];
  await Bun.sleep(10);
  const refused = await call("/slow");
  expect(refused.status).toBe(503);
  expect(refused.headers.get("retry-after")).toBe("1");
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("OVERLOADED");
  // Like every answer: never sniffed or framed; and counted as load shed, not as a failure.
  expect(refused.headers.get("x-content-type-options")).toBe("nosniff");
  expect(refused.headers.get("x-frame-options")).toBe("DENY");
  expect(service.metrics.http.tally("GET", "UNMATCHED", 1).shed).toBe(1);
  expect((await call("/healthz")).status).toBe(200);
  release();
  expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200]);
  // Slots are given back: a request after them is served.
  const after = call("/slow");
  expect((await after).status).toBe(200);
});
