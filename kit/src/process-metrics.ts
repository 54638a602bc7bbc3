/**
 * The process's own health on /metrics: event-loop lag, heap, RSS and CPU, under the names
 * prom-client's default metrics use (the alerts and dashboards read them).
 *
 * Why not prom-client's `collectDefaultMetrics`: under Bun its heap collectors call
 * `v8.getHeapStatistics()` and `v8.getHeapSpaceStatistics()`, which walk the whole JavaScriptCore
 * heap — 90–130 ms each with a service-sized heap, so every scrape stalled the service for
 * 120–215 ms (measured: a registry with only the defaults, 300,000 live objects). In a drop, with
 * a scrape every 5 s, that stall was a visible share of every service's p95. Everything here is
 * read from counters the runtime keeps anyway (`process.memoryUsage()`, `process.cpuUsage()`, a
 * `monitorEventLoopDelay` histogram): a scrape costs well under a millisecond.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Counter, Gauge, type Registry } from "prom-client";

const NS_PER_SEC = 1e9;
const US_PER_SEC = 1e6;

/** Registers the process metrics on `registry`; each is read when it is scraped. */
export function registerProcessMetrics(registry: Registry): void {
  const registers = [registry];
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });

  // Event-loop delay since the last scrape (10 ms resolution: lag that matters is tens of ms).
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const lag: Array<[string, () => number]> = [
    ["min", () => delay.min],
    ["max", () => delay.max],
    ["mean", () => delay.mean],
    ["p50", () => delay.percentile(50)],
    ["p90", () => delay.percentile(90)],
    ["p99", () => delay.percentile(99)],
  ];
  for (const [i, [stat, read]] of lag.entries()) {
    new Gauge({
      name: `nodejs_eventloop_lag_${stat}_seconds`,
      help: `The ${stat} event-loop delay since the last scrape, in seconds`,
      registers,
      collect() {
        const ns = read();
        this.set(Number.isFinite(ns) ? ns / NS_PER_SEC : 0);
        // The last of them starts the next window.
        if (i === lag.length - 1) delay.reset();
      },
    });
  }

  gauge("process_resident_memory_bytes", "Resident memory size in bytes", () => process.memoryUsage().rss);
  gauge(
    "nodejs_heap_size_used_bytes",
    "JavaScript heap in use, in bytes",
    () => process.memoryUsage().heapUsed,
  );
  gauge(
    "nodejs_heap_size_total_bytes",
    "JavaScript heap size, in bytes",
    () => process.memoryUsage().heapTotal,
  );
  gauge(
    "nodejs_external_memory_bytes",
    "Memory held outside the JavaScript heap, in bytes",
    () => process.memoryUsage().external,
  );
  gauge("process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds", () =>
    Math.round((Date.now() - performance.now()) / 1000),
  );

  // CPU as counters (Prometheus takes rate() of them), each advanced by what was spent since.
  const cpu = (name: string, help: string, read: (usage: NodeJS.CpuUsage) => number) => {
    let seen = 0;
    new Counter({
      name,
      help,
      registers,
      collect() {
        const now = read(process.cpuUsage()) / US_PER_SEC;
        this.inc(Math.max(0, now - seen));
        seen = now;
      },
    });
  };
  cpu("process_cpu_user_seconds_total", "User CPU time spent, in seconds", (u) => u.user);
  cpu("process_cpu_system_seconds_total", "System CPU time spent, in seconds", (u) => u.system);
  cpu("process_cpu_seconds_total", "User and system CPU time spent, in seconds", (u) => u.user + u.system);
}
