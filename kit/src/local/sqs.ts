import { fileURLToPath } from "node:url";
import type { Supervisor } from "./processes.ts";
import { httpAnswers, waitUntil } from "./wait.ts";

/**
 * Starts the fauxqs SQS emulator on `port` as a child process and waits until it answers HTTP.
 * A child rather than in-process: its request handling stays off the launcher's event loop
 * (which also relays every child's output), it stops with the other children, and a crash is
 * reported like any other child's. With `dataDir` its queues and messages are kept in SQLite
 * there, so a restarted emulator still holds them, as SQS would. Returns its endpoint URL.
 */
export async function startSqs(
  sup: Supervisor,
  opts: { port: number; dataDir?: string; timeoutMs?: number; abort?: () => Error | undefined },
): Promise<string> {
  const entry = fileURLToPath(new URL("./fauxqs-main.ts", import.meta.url));
  sup.spawn({
    name: "sqs",
    cmd: [process.execPath, entry],
    env: {
      ...process.env,
      FAUXQS_PORT: String(opts.port),
      FAUXQS_DATA_DIR: opts.dataDir,
      FAUXQS_HOST: undefined,
    },
  });
  const endpoint = `http://127.0.0.1:${opts.port}`;
  await waitUntil("fauxqs (SQS)", () => httpAnswers(endpoint), {
    timeoutMs: opts.timeoutMs ?? 15_000,
    ...(opts.abort ? { abort: opts.abort } : {}),
  });
  return endpoint;
}
