/**
 * Throughput over time for load generators that only report totals (oha, wrk): a monotonically
 * growing counter read once a second on the server side — the gateway's Prometheus request
 * counter for a route, or a Redis counter the server bumps per request.
 */
import Redis from "ioredis";

/** Reads a counter that grows with every request served. */
export type Counter = () => Promise<number>;

/** Requests the gateway served on routes whose label contains `route` (from GET /metrics). */
export function gatewayRouteCounter(gateway: string, route: string): Counter {
  return async () => {
    const text = await (await fetch(`${gateway}/metrics`)).text();
    let total = 0;
    for (const line of text.split("\n")) {
      if (line.startsWith("http_server_requests_total{") && line.includes(`route="${route}"`))
        total += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
    return total;
  };
}

/** A Redis integer key's value (e.g. the reference server's INCR sequence). */
export function redisKeyCounter(redisUrl: string, key: string): Counter & { close(): void } {
  const redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1 });
  const read = async () => Number((await redis.get(key)) ?? 0);
  return Object.assign(read, { close: () => redis.disconnect() });
}

/** Samples `counter` every second; `stop()` returns [seconds since start, per second] points. */
export function sampleRate(counter: Counter): { stop(): Promise<Array<[number, number]>> } {
  const points: Array<[number, number]> = [];
  const started = performance.now();
  let last: { at: number; value: number } | undefined;
  let busy = false;
  const tick = async () => {
    if (busy) return; // a slow /metrics under load must not stack up reads
    busy = true;
    try {
      const value = await counter();
      const at = performance.now();
      if (last)
        points.push([
          Math.round((at - started) / 100) / 10,
          Math.round((value - last.value) / ((at - last.at) / 1000)),
        ]);
      last = { at, value };
    } catch {
      // A missed sample leaves a gap; the totals come from the load generator anyway.
    } finally {
      busy = false;
    }
  };
  void tick();
  const timer = setInterval(tick, 1000);
  return {
    stop: async () => {
      clearInterval(timer);
      return points;
    },
  };
}
