import { createConnection, createServer } from "node:net";

/** A port the launcher is about to bind, and the env var that moves it. */
export interface PortClaim {
  /** What will listen there, e.g. "gateway" or "DynamoDB Local". */
  owner: string;
  port: number;
  envVar: string;
}

/** A port another process already holds; the message is one line naming the port and the env var. */
export class PortBusyError extends Error {
  override name = "PortBusyError";
  constructor(readonly claim: PortClaim) {
    super(
      `port ${claim.port} (${claim.owner}) is already in use — stop whatever holds it or set ${claim.envVar} to another port`,
    );
  }
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
function somethingListens(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    const done = (listening: boolean) => {
      socket.destroy();
      resolve(listening);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.setTimeout(500, () => done(false));
  });
}

/** True when we could bind the port on all interfaces right now. */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "0.0.0.0", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * True when the port is free. Both probes are needed: a listener bound only to 127.0.0.1 does
 * not always stop a bind on 0.0.0.0 (SO_REUSEPORT), but it does answer a connect.
 */
export async function isPortFree(port: number): Promise<boolean> {
  if (await somethingListens(port)) return false;
  return canBind(port);
}

/** Throws PortBusyError for the first claimed port that is taken, or for a port claimed twice. */
export async function assertPortsFree(claims: readonly PortClaim[]): Promise<void> {
  const seen = new Map<number, PortClaim>();
  for (const claim of claims) {
    const other = seen.get(claim.port);
    if (other) {
      throw new Error(
        `port ${claim.port} is configured for both ${other.owner} (${other.envVar}) and ${claim.owner} (${claim.envVar})`,
      );
    }
    seen.set(claim.port, claim);
  }
  const free = await Promise.all(claims.map((c) => isPortFree(c.port)));
  const busy = claims.find((_, i) => !free[i]);
  if (busy) throw new PortBusyError(busy);
}

/** Offsets of each listener inside a port block (services also use port + 1 for gRPC). */
const BLOCK_OFFSETS = {
  gateway: 0,
  reservation: 10,
  inventory: 20,
  payment: 30,
  worker: 40,
  web: 300,
  redis: 390,
  dynamodb: 100,
  sqs: 566,
} as const;

/** Every listener of a private platform on a block of ports starting at `base` (tests, benches). */
export function portBlock(base: number): { -readonly [K in keyof typeof BLOCK_OFFSETS]: number } {
  return Object.fromEntries(Object.entries(BLOCK_OFFSETS).map(([k, v]) => [k, base + v])) as {
    -readonly [K in keyof typeof BLOCK_OFFSETS]: number;
  };
}
