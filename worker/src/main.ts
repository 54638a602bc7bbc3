// Wiring only: reads the config and starts the service built from it.
import { readConfig } from "@tt/kit";
import { buildWorker } from "./app.ts";
import { workerConfig } from "./config.ts";

const worker = await buildWorker({ config: readConfig(workerConfig) });
await worker.start();
