/**
 * Child-process entry for the local load balancer in front of gateway replicas:
 * `bun kit/src/local/proxy-main.ts` with PROXY_PORT and PROXY_BACKENDS (comma-separated ports).
 */
import { createLogger } from "../log.ts";
import { startTcpProxy } from "./proxy.ts";

const port = Number(process.env.PROXY_PORT);
const backends = (process.env.PROXY_BACKENDS ?? "").split(",").map(Number).filter(Boolean);
const listener = startTcpProxy(port, backends);
createLogger("proxy").info("spreading connections", { port, backends });

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    listener.stop(true);
    process.exit(0);
  });
}
