import { expect, test } from "bun:test";
import { Metrics } from "../src/metrics.ts";

const value = (exposition: string, name: string) =>
  Number(new RegExp(`^${name}\\{app="svc"\\} (\\S+)$`, "m").exec(exposition)?.[1]);

test("every service's /metrics carries its event-loop lag and heap, labelled with the service", async () => {
  const metrics = new Metrics("svc");
  // Block the loop for 80 ms: the lag sampler has to see it.
  await Bun.sleep(30);
  const until = performance.now() + 80;
  while (performance.now() < until) {}
  await Bun.sleep(30);
  const text = await metrics.render();
  expect(value(text, "nodejs_eventloop_lag_max_seconds")).toBeGreaterThan(0.05);
  expect(value(text, "nodejs_heap_size_used_bytes")).toBeGreaterThan(1_000_000);
  expect(value(text, "process_resident_memory_bytes")).toBeGreaterThan(10_000_000);
});
