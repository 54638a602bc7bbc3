/**
 * Child-process entry for the SQS emulator: `bun kit/src/local/fauxqs-main.ts` with FAUXQS_PORT
 * (and FAUXQS_DATA_DIR to keep queues and messages across a restart).
 * fauxqs's own CLI forces request logging on (a line per poll); this entry turns it off and
 * closes the server cleanly on SIGTERM.
 */
import { startFauxqs } from "fauxqs";
import { createLogger } from "../log.ts";

const port = Number(process.env.FAUXQS_PORT ?? "4566");
const dataDir = process.env.FAUXQS_DATA_DIR || undefined;
const server = await startFauxqs({
  port,
  logger: process.env.FAUXQS_LOGGER === "true",
  ...(dataDir ? { dataDir } : {}),
});
createLogger("sqs").info("fauxqs listening", { port });

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    void server.stop().finally(() => process.exit(0));
  });
}
