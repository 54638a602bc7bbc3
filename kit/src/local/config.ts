/**
 * Ports and service table of the local platform. Every port has a default and an env var, and
 * the launcher maps them onto each child's PORT and the *_URL variables.
 */

/** The five backend services, in start order. */
export const SERVICE_NAMES = ["gateway", "reservation", "inventory", "payment", "worker"] as const;

/** One of the five backend services. */
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Everything the local stack listens on. */
export type PortName = ServiceName | "web" | "redis" | "dynamodb" | "sqs";

/** Default port and the env var that overrides it, for every listener. */
export const PORTS: Readonly<Record<PortName, { envVar: string; defaultPort: number; owner: string }>> = {
  gateway: { envVar: "GATEWAY_PORT", defaultPort: 8000, owner: "gateway" },
  reservation: { envVar: "RESERVATION_PORT", defaultPort: 8010, owner: "reservation" },
  inventory: { envVar: "INVENTORY_PORT", defaultPort: 8020, owner: "inventory" },
  payment: { envVar: "PAYMENT_PORT", defaultPort: 8030, owner: "payment" },
  worker: { envVar: "WORKER_PORT", defaultPort: 8040, owner: "worker" },
  web: { envVar: "WEB_PORT", defaultPort: 3000, owner: "web (vite)" },
  redis: { envVar: "LOCAL_REDIS_PORT", defaultPort: 6390, owner: "redis-server" },
  dynamodb: { envVar: "DYNAMODB_PORT", defaultPort: 8100, owner: "DynamoDB Local" },
  sqs: { envVar: "SQS_PORT", defaultPort: 4566, owner: "fauxqs (SQS)" },
};

/** The resolved port of every listener. */
export type LocalPorts = Record<PortName, number>;

/** A bad port setting; the message names the variable. */
export class LocalConfigError extends Error {
  override name = "LocalConfigError";
}

function parsePort(envVar: string, raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new LocalConfigError(`${envVar}=${JSON.stringify(raw)} is not a port number (1-65535)`);
  }
  return port;
}

/** Ports from explicit overrides, then the environment, then the defaults. */
export function resolvePorts(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<LocalPorts> = {},
): LocalPorts {
  const out = {} as LocalPorts;
  for (const [name, spec] of Object.entries(PORTS) as [PortName, (typeof PORTS)[PortName]][]) {
    const raw = env[spec.envVar];
    out[name] = overrides[name] ?? (raw ? parsePort(spec.envVar, raw) : spec.defaultPort);
  }
  return out;
}
