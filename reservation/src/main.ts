// Wiring only: reads config, builds the service, starts it.
import { ConfigError } from "@tt/kit";
import { composeReservation } from "./compose.ts";
import { loadReservationConfig } from "./config.ts";

let config: ReturnType<typeof loadReservationConfig>;
try {
  config = loadReservationConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`reservation: ${error.message}\n`);
  process.exit(1);
}
await composeReservation(config).start();
