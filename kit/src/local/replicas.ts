/**
 * Gateway replicas on the local platform (GATEWAY_REPLICAS): where each listens, and the proxy
 * that stands in front of them as production's load balancer does (proxy.ts).
 */
import { fileURLToPath } from "node:url";
import { LocalConfigError } from "./config.ts";
import type { Supervisor } from "./processes.ts";

/** One replica: its child name ("gateway", "gateway-2", …) and port. */
export interface GatewayReplica {
  child: string;
  port: number;
}

/**
 * The children and ports of `count` gateway replicas behind the proxy on `gatewayPort`
 * ("gateway", "gateway-2", …; none for one gateway, which listens there itself).
 */
export function gatewayReplicaPorts(gatewayPort: number, count: number): GatewayReplica[] {
  if (!Number.isInteger(count) || count < 1 || count > 4) {
    throw new LocalConfigError(`GATEWAY_REPLICAS must be 1 to 4 (got ${count})`);
  }
  // Inside the gateway's block of ten ports: itself and its gRPC on +0/+1, replicas from +2.
  if (count === 1) return [];
  return Array.from({ length: count }, (_, i) => ({
    child: i === 0 ? "gateway" : `gateway-${i + 1}`,
    port: gatewayPort + 2 + 2 * i,
  }));
}

/** Starts the proxy on the gateway's own port, spreading connections over `replicas`. */
export function spawnProxy(
  sup: Supervisor,
  gatewayPort: number,
  replicas: readonly GatewayReplica[],
  env: Record<string, string | undefined>,
): void {
  sup.spawn({
    name: "proxy",
    cmd: [process.execPath, fileURLToPath(new URL("./proxy-main.ts", import.meta.url))],
    env: { ...env, PROXY_PORT: String(gatewayPort), PROXY_BACKENDS: replicas.map((r) => r.port).join(",") },
  });
}
