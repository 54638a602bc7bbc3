import { type ConnectRouter, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { health } from "@tt/contracts";
import { allCriticalOk, type ReadinessCheck, runChecks } from "../http/health.ts";

const { HealthCheckResponse_ServingStatus: Status } = health;

/** Serves grpc.health.v1.Health/Check from the same dependency checks as /readyz. */
export function healthService(checks: ReadinessCheck[], isDraining: () => boolean) {
  return (router: ConnectRouter) =>
    router.service(health.Health, {
      async check() {
        if (isDraining()) return { status: Status.NOT_SERVING };
        const results = await runChecks(checks);
        const serving = allCriticalOk(results);
        return { status: serving ? Status.SERVING : Status.NOT_SERVING };
      },
    });
}

/**
 * Readiness of another service: its grpc.health.v1 Check over Connect answers SERVING. Reported
 * but not deciding readiness unless `critical` (see ReadinessCheck.critical).
 */
export function upstreamCheck(name: string, baseUrl: string, critical = false): ReadinessCheck {
  const client = createClient(health.Health, createConnectTransport({ baseUrl, useBinaryFormat: true }));
  return {
    name,
    critical,
    async check(signal) {
      const res = await client.check({}, { signal });
      if (res.status !== Status.SERVING) throw new Error(`${name} is ${Status[res.status]}`);
    },
  };
}
