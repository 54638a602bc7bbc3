// Wiring only: reads the config and starts the service built from it.
import { readConfig } from "@tt/kit";
import { buildPayment } from "./app.ts";
import { paymentConfig } from "./config.ts";

const payment = await buildPayment({ config: readConfig(paymentConfig) });
await payment.start();
