import { Elysia } from "elysia";
import type { Metrics } from "../metrics.ts";

/** A dependency the service needs to do useful work; `check` throws or rejects when it is down. */
export interface ReadinessCheck {
  name: string;
  check(signal: AbortSignal): Promise<unknown>;
  /**
   * False for a dependency that is reported but does not decide readiness: e.g. the gateway
   * keeps serving its queue while a downstream service is down, rather than leaving the load
   * balancer with no gateway at all. Default true.
   */
  critical?: boolean;
}

/** Result of one readiness check as reported by `/readyz`. */
export interface CheckResult {
  ok: boolean;
  /** Present (false) only for a dependency that does not decide readiness. */
  critical?: false;
  latency_ms: number;
  error?: string;
}

const soft = (c: ReadinessCheck) => (c.critical === false ? { critical: false as const } : {});

/** True when every dependency that decides readiness answered. */
export function allCriticalOk(results: Record<string, CheckResult>): boolean {
  return Object.values(results).every((r) => r.ok || r.critical === false);
}

/** Runs every check in parallel, each bounded by `timeoutMs` so a hung dependency cannot hang the probe. */
export async function runChecks(
  checks: ReadinessCheck[],
  timeoutMs = 1000,
): Promise<Record<string, CheckResult>> {
  const entries = await Promise.all(
    checks.map(async (c): Promise<[string, CheckResult]> => {
      const started = performance.now();
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        await Promise.race([
          c.check(signal),
          new Promise((_, reject) =>
            signal.addEventListener("abort", () => reject(new Error(`no answer within ${timeoutMs} ms`))),
          ),
        ]);
        return [c.name, { ok: true, latency_ms: Math.round(performance.now() - started), ...soft(c) }];
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return [
          c.name,
          { ok: false, latency_ms: Math.round(performance.now() - started), error: message, ...soft(c) },
        ];
      }
    }),
  );
  return Object.fromEntries(entries);
}

/** Whether the process is draining: readiness then reports 503 so load balancers stop sending traffic. */
export interface Lifecycle {
  draining: boolean;
}

/** `/healthz` (alive), `/readyz` (dependencies reachable, 503 otherwise) and `/metrics`. */
export function healthRoutes(checks: ReadinessCheck[], lifecycle: Lifecycle, metrics: Metrics) {
  return new Elysia({ name: "kit.health" })
    .get("/healthz", () => ({ status: "ok" }), {
      detail: { summary: "Liveness: the process is up", tags: ["ops"] },
    })
    .get(
      "/readyz",
      async ({ set }) => {
        const results = await runChecks(checks);
        const ready = !lifecycle.draining && allCriticalOk(results);
        set.status = ready ? 200 : 503;
        return { status: ready ? "ready" : lifecycle.draining ? "draining" : "not_ready", checks: results };
      },
      { detail: { summary: "Readiness: every dependency answers (503 otherwise)", tags: ["ops"] } },
    )
    .get(
      "/metrics",
      async ({ set }) => {
        set.headers["content-type"] = metrics.registry.contentType;
        return metrics.render();
      },
      { detail: { summary: "Prometheus metrics", tags: ["ops"] } },
    );
}
