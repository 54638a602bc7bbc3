// Starts real kit services on 127.0.0.1 for the Connect tests; not a test file itself.
import { baseFields, loadConfig } from "../../src/config.ts";
import type { ConnectRoutes } from "../../src/connect/server.ts";
import { devCredentials } from "../../src/identity/dev-key.ts";
import { createService } from "../../src/service.ts";
import { freePort } from "../../src/testing.ts";

export { freePort };

/** A running service under test and the base URL its Connect clients use. */
export interface RunningService {
  service: ReturnType<typeof createService>;
  url: string;
  port: number;
  /** Client options that call it as the developer (any service accepts that outside production). */
  dev: { credentials: ReturnType<typeof devCredentials>; audience: string };
}

/** Starts a service with `rpc` mounted on a free (or the given) port; stop it with `service.stop()`. */
export async function startService(
  name: string,
  rpc?: ConnectRoutes,
  opts: {
    port?: number;
    logLevel?: "info" | "error";
    /** Adds REST routes before the listener starts (Elysia compiles routes on listen). */
    http?: (service: ReturnType<typeof createService>) => void;
  } = {},
): Promise<RunningService> {
  const port = opts.port ?? (await freePort());
  // PORT=0 is rejected by env.port (min 1), so a free port is picked up front.
  const config = loadConfig(baseFields(port), {
    PORT: String(port),
    RPC_PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: opts.logLevel ?? "error",
    SHUTDOWN_GRACE_MS: "1000",
  });
  const service = createService({ name, description: `${name} under test`, config });
  if (rpc) service.serveRpc(rpc);
  opts.http?.(service);
  await service.start({ handleSignals: false });
  return {
    service,
    url: `http://127.0.0.1:${port}`,
    port,
    dev: { credentials: devCredentials(), audience: name },
  };
}

/** Captures the JSON lines written to stdout while `fn` runs (the kit logger's default sink). */
export async function captureStdout<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    const text = typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
    lines.push(...text.split("\n").filter(Boolean));
    return true;
  }) as typeof process.stdout.write;
  try {
    return { result: await fn(), lines };
  } finally {
    process.stdout.write = original;
  }
}
