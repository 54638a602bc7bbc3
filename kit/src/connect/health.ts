import type { ConnectRouter } from "@connectrpc/connect";
import { health } from "@tt/contracts";
import { type ReadinessCheck, runChecks } from "../http/health.ts";

const { HealthCheckResponse_ServingStatus: Status } = health;

/** Serves grpc.health.v1.Health/Check from the same dependency checks as /readyz. */
export function healthService(checks: ReadinessCheck[], isDraining: () => boolean) {
  return (router: ConnectRouter) =>
    router.service(health.Health, {
      async check() {
        if (isDraining()) return { status: Status.NOT_SERVING };
        const results = await runChecks(checks);
        const serving = Object.values(results).every((r) => r.ok);
        return { status: serving ? Status.SERVING : Status.NOT_SERVING };
      },
    });
}
