import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Supervisor } from "./processes.ts";
import { httpAnswers, waitUntil } from "./wait.ts";

/**
 * The `emulator/` folder of the `amplify-dynamodb-simulator` dev dependency, which ships the
 * official DynamoDB Local jar and its native libraries.
 */
export function dynamoEmulatorDir(): string {
  const pkg = fileURLToPath(import.meta.resolve("amplify-dynamodb-simulator/package.json"));
  return join(dirname(pkg), "emulator");
}

/** The java command line for DynamoDB Local on `port`, in memory or under `dataDir`. */
export function dynamoCommand(port: number, dataDir?: string): string[] {
  const dir = dynamoEmulatorDir();
  return [
    "java",
    // The serial collector: on a 2-core machine G1's concurrent threads and barriers cost more
    // than they save for this small heap (two-seat transaction ~0.9 ms of CPU warm instead of
    // ~1.1, and 3.1 instead of 4.3–4.8 in the first seconds: bench/README.md, third session).
    "-XX:+UseSerialGC",
    `-Djava.library.path=${join(dir, "DynamoDBLocal_lib")}`,
    "-jar",
    join(dir, "DynamoDBLocal.jar"),
    // One database for every client, whatever region or access key it uses; without this each
    // credential/region pair sees its own empty tables.
    "-sharedDb",
    // It reports usage to AWS by default; a developer's laptop and CI have no reason to (three
    // alternated raw-rate runs showed no speed difference either way).
    "-disableTelemetry",
    ...(dataDir ? ["-dbPath", dataDir] : ["-inMemory"]),
    "-port",
    String(port),
  ];
}

/** Starts DynamoDB Local on `port` and waits until it answers HTTP. Returns its endpoint URL. */
export async function startDynamo(
  sup: Supervisor,
  opts: { port: number; dataDir?: string | undefined; timeoutMs?: number; abort?: () => Error | undefined },
): Promise<string> {
  const dataDir = opts.dataDir ? resolve(opts.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // The jar resolves DynamoDBLocal_lib relative to its own folder, so run it from there.
  // In memory, a restarted DynamoDB Local would come back empty: its death ends the stack instead.
  sup.spawn({
    name: "dynamodb",
    cmd: dynamoCommand(opts.port, dataDir),
    cwd: dynamoEmulatorDir(),
    restart: dataDir !== undefined,
  });
  const endpoint = `http://127.0.0.1:${opts.port}`;
  await waitUntil("DynamoDB Local", () => httpAnswers(endpoint), {
    timeoutMs: opts.timeoutMs ?? 30_000,
    ...(opts.abort ? { abort: opts.abort } : {}),
  });
  return endpoint;
}
