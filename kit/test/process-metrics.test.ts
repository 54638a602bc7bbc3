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

test("a scrape does not stall the service, however large its heap", async () => {
  // prom-client's default heap collectors walk the whole heap under Bun: 120–215 ms a scrape
  // with a heap like this one, during which the service answered nobody.
  const metrics = new Metrics("svc");
  const heap = Array.from({ length: 300_000 }, (_, i) => ({ i, s: `seat-${i}`, a: [i] }));
  await metrics.render();
  const started = performance.now();
  const text = await metrics.render();
  expect(performance.now() - started).toBeLessThan(30);
  expect(value(text, "nodejs_heap_size_used_bytes")).toBeGreaterThan(10_000_000);
  expect(value(text, "process_cpu_seconds_total")).toBeGreaterThan(0);
  expect(heap.length).toBe(300_000);
});
