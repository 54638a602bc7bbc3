// Wiring only: reads the config and starts the service built from it.
import { readConfig } from "@tt/kit";
import { buildReservation } from "./app.ts";
import { reservationConfig } from "./config.ts";

await buildReservation({ config: readConfig(reservationConfig) }).start();
