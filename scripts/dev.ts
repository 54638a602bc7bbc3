#!/usr/bin/env bun
/**
 * `bun run dev`: the whole platform on this machine, in the foreground. Ctrl-C stops every child
 * it started and nothing else. Flags: --no-web, --data-dir <dir> (DynamoDB on disk).
 */
// The repo's own launcher, outside the kit (which imports no service): the kit starts the stack,
// the seed data belongs to the inventory, and this only decides when it runs.
import { seedDemoEvent } from "../inventory/src/demo-event.ts";
import { type LocalStack, SERVICE_NAMES, startLocalStack } from "../kit/src/local/index.ts";

const USAGE = `usage: bun run dev [--no-web] [--data-dir <dir>]
  --no-web          do not start the web app (vite)
  --data-dir <dir>  keep DynamoDB Local data on disk in <dir> (env LOCAL_DATA_DIR); default in memory
ports (env): GATEWAY_PORT RESERVATION_PORT INVENTORY_PORT PAYMENT_PORT WORKER_PORT WEB_PORT
             LOCAL_REDIS_PORT DYNAMODB_PORT SQS_PORT; REDIS_URL uses an existing Redis instead`;

function fail(message: string): never {
  process.stderr.write(`dev: ${message}\n`);
  process.exit(1);
}

/** Hand-rolled: the three flags do not justify a dependency, and node:util parseArgs is untyped here. */
function parseFlags(argv: string[]): { web: boolean; dataDir: string | undefined; help: boolean } {
  const flags = { web: true, dataDir: undefined as string | undefined, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--no-web") flags.web = false;
    else if (arg === "--help" || arg === "-h") flags.help = true;
    else if (arg === "--data-dir" && argv[i + 1]) flags.dataDir = argv[++i];
    else if (arg.startsWith("--data-dir=")) flags.dataDir = arg.slice("--data-dir=".length);
    else fail(`unknown or incomplete argument ${JSON.stringify(arg)}\n${USAGE}`);
  }
  return flags;
}

function banner(stack: LocalStack): string {
  const { urls } = stack;
  const rows: [string, string][] = [];
  if (urls.web) rows.push(["web", urls.web]);
  rows.push(["gateway", urls.gateway]);
  for (const name of SERVICE_NAMES) {
    rows.push([`${name} swagger`, urls.swagger[name]], [`${name} metrics`, urls.metrics[name]]);
  }
  rows.push(["redis", urls.redis], ["dynamodb", urls.dynamodb], ["sqs", urls.sqs]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  return `\nTraffic Tacos is up. Ctrl-C stops everything.\n${lines.join("\n")}\n`;
}

const flags = parseFlags(process.argv.slice(2));
if (flags.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

// Children run in their own process groups, so the terminal's Ctrl-C reaches only us; we stop
// them in order. A second Ctrl-C exits at once, and the supervisor's exit hook kills what is left.
const interrupt = new AbortController();
let signalled = 0;
const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(sig, () => {
      signalled += 1;
      if (signalled > 1) process.exit(130);
      interrupt.abort();
      resolve(sig);
    });
  }
});

let stack: LocalStack;
try {
  stack = await startLocalStack({
    web: flags.web,
    dataDir: flags.dataDir,
    signal: interrupt.signal,
    // The demo event (evt_2025_1001); CreateEvent is idempotent, so a restart on --data-dir is a no-op.
    seed: async (env) => {
      await seedDemoEvent(env.INVENTORY_URL ?? "http://127.0.0.1:8020");
    },
  });
} catch (err) {
  if (interrupt.signal.aborted) process.exit(130);
  fail(err instanceof Error ? err.message : String(err));
}

process.stdout.write(banner(stack));
const outcome = await Promise.race([
  stopRequested.then((sig) => ({ crash: undefined, sig })),
  stack.crashed.then((crash) => ({ crash, sig: undefined })),
]);
if (outcome.crash) process.stderr.write(`dev: ${outcome.crash}\ndev: stopping the stack\n`);
else process.stdout.write(`\ndev: ${outcome.sig}, stopping the stack\n`);
await stack.stop();
process.exit(outcome.crash ? 1 : 0);
