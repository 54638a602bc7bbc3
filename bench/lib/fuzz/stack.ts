/**
 * The platform the fuzzer attacks: the whole local stack on a free block of ports (as the API
 * tests start it), with one event on sale and one live hold, so that generated requests that
 * name real ids reach past validation into the services' own code.
 */
import { type LocalStack, SERVICE_NAMES, type ServiceName, startLocalStack } from "@tt/kit/local";
import { freePortBlock } from "@tt/kit/testing";

/** Real ids the generators mix into requests, besides made-up ones. */
export interface FuzzFixtures {
  eventId: string;
  userId: string;
  reservationId: string;
}

/** A running platform and its fixtures. */
export interface FuzzPlatform {
  services: Record<ServiceName, string>;
  fixtures: FuzzFixtures;
  stop(): Promise<void>;
}

/** The admin bypass headers (outside production only). */
export const FUZZ_ADMIN = { authorization: "Bearer dev-super-key-local-testing", "x-user-id": "fuzz-ops" };

/** Starts the platform quietly; `env` goes on top of the fuzzer's defaults (rate limits off). */
export async function startFuzzPlatform(env: Record<string, string> = {}): Promise<FuzzPlatform> {
  // Each service uses PORT and PORT + 1; Redis, DynamoDB Local and the SQS emulator one each.
  const b = freePortBlock(13);
  const stack: LocalStack = await startLocalStack({
    web: false,
    stage: `fuzz${Math.random().toString(36).slice(2, 7)}`,
    ports: {
      gateway: b,
      reservation: b + 2,
      inventory: b + 4,
      payment: b + 6,
      worker: b + 8,
      redis: b + 10,
      dynamodb: b + 11,
      sqs: b + 12,
    },
    env: {
      ...process.env,
      REDIS_URL: undefined,
      LOCAL_DATA_DIR: undefined,
      LOG_LEVEL: "error",
      // One fuzzer is one client address: the per-IP limit would answer 429 to nearly everything.
      RATE_LIMIT_ENABLED: "false",
      QUEUE_TICK_MS: "50",
      QUEUE_ADMIT_RATE: "1000",
      PAYMENT_APPROVE_DELAY_MS: "200",
      ...env,
    },
    sink: () => undefined,
    restart: false,
  });
  try {
    const services = Object.fromEntries(SERVICE_NAMES.map((n) => [n, stack.urls.services[n]])) as Record<
      ServiceName,
      string
    >;
    const fixtures = await createFixtures(services);
    return { services, fixtures, stop: () => stack.stop() };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

/** An event on sale now, and one buyer's hold on it (join → admission → enter → hold), all through the gateway. */
async function createFixtures(services: Record<ServiceName, string>): Promise<FuzzFixtures> {
  const eventId = `evt_fuzz_${Date.now().toString(36)}`;
  const hour = 3_600_000;
  const created = await fetch(`${services.gateway}/api/v1/admin/events`, {
    method: "POST",
    headers: { ...FUZZ_ADMIN, "content-type": "application/json" },
    body: JSON.stringify({
      event_id: eventId,
      name: "Fuzz night",
      venue: "Fuzz Hall",
      starts_at: new Date(Date.now() + 24 * hour).toISOString(),
      sale_opens_at: new Date(Date.now() - hour).toISOString(),
      sale_closes_at: new Date(Date.now() + 12 * hour).toISOString(),
      currency: "KRW",
      sections: [{ section_id: "A", name: "Floor", price: 50_000, rows: 2, seats_per_row: 20 }],
    }),
  });
  if (created.status !== 201) throw new Error(`fuzz fixtures: create answered ${created.status}`);
  const userId = "fuzz-buyer";
  const buyer = { authorization: "Bearer load-test-bypass-token", "x-user-id": userId };
  const call = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
    const res = await fetch(`${services.gateway}${path}`, {
      method,
      headers: { "content-type": "application/json", ...buyer, ...extra },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: fixture set-up reads a few fields
    return { status: res.status, body: (await res.json()) as any };
  };
  const joined = await call("POST", "/api/v1/queue/join", { event_id: eventId });
  if (joined.status !== 202) throw new Error(`fuzz fixtures: join answered ${joined.status}`);
  const token = joined.body.waiting_token as string;
  let reservationToken: string | undefined;
  for (let i = 0; i < 100 && !reservationToken; i++) {
    const entered = await call("POST", "/api/v1/queue/enter", { waiting_token: token });
    if (entered.status === 200) reservationToken = entered.body.reservation_token;
    else await Bun.sleep(100);
  }
  if (!reservationToken) throw new Error("fuzz fixtures: the buyer was never admitted");
  const held = await call(
    "POST",
    "/api/v1/reservations",
    { event_id: eventId, quantity: 1, reservation_token: reservationToken },
    { "idempotency-key": crypto.randomUUID() },
  );
  if (held.status !== 201) throw new Error(`fuzz fixtures: hold answered ${held.status}`);
  return { eventId, userId, reservationId: held.body.reservation_id };
}
