// The whole local platform, web app included, on 21xxx ports for the browser tests: short holds
// and fast admission so a full purchase takes seconds. The gateway's own API tests use 19xxx.
import { type LocalStack, startLocalStack } from "@tt/kit/local";

const PORTS = {
  gateway: 21000,
  reservation: 21010,
  inventory: 21020,
  payment: 21030,
  worker: 21040,
  web: 21300,
  redis: 21390,
  dynamodb: 21100,
  sqs: 21566,
};

/** Hold length in the browser tests: long enough to pay, short enough to watch one run out. */
export const HOLD_SECONDS = 6;

/** The admin bypass token (accepted outside production only). */
const ADMIN = { authorization: "Bearer dev-super-key-local-testing", "x-user-id": "ops" };

/** A running platform plus the admin calls the tests steer it with. */
export interface E2EPlatform {
  stack: LocalStack;
  webUrl: string;
  eventId: string;
  /** Stops admissions for the test event, so a buyer sits in line. */
  pauseQueue: () => Promise<void>;
  resumeQueue: () => Promise<void>;
  /** A seat's status straight from the gateway. */
  seatStatus: (seatId: string) => Promise<string | undefined>;
}

async function admin(gateway: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${gateway}${path}`, {
    method,
    headers: { "content-type": "application/json", ...ADMIN },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Starts the platform and creates a small event (two sections of 2 × 10) on sale now. */
export async function startE2EPlatform(): Promise<E2EPlatform> {
  const stack = await startLocalStack({
    web: true,
    ports: PORTS,
    stage: `e2e${Date.now().toString(36)}`,
    env: {
      ...process.env,
      REDIS_URL: undefined,
      LOCAL_DATA_DIR: undefined,
      LOG_LEVEL: "error",
      HOLD_SECONDS: String(HOLD_SECONDS),
      QUEUE_TICK_MS: "50",
      QUEUE_ADMIT_RATE: "1000",
      PAYMENT_APPROVE_DELAY_MS: "200",
      SEAT_MAP_CACHE_MS: "0",
      AVAILABILITY_CACHE_MS: "0",
    },
    sink: () => undefined,
  });
  try {
    const webUrl = stack.urls.web;
    if (!webUrl) throw new Error("the local stack did not start the web app");
    const eventId = `evt_e2e_${Date.now().toString(36)}`;
    await createEvent(stack.urls.gateway, eventId);
    return platformApi(stack, webUrl, eventId);
  } catch (error) {
    // Nobody else holds the stack yet: stop it here or its processes outlive the test run.
    await stack.stop();
    throw error;
  }
}

/**
 * Creates the test event. CreateEvent writes every seat to DynamoDB Local, which can outlast
 * the gateway's upstream deadline on a busy machine; the call is idempotent for an identical
 * definition, so a timeout or an "in progress" conflict is simply retried.
 */
async function createEvent(gateway: string, eventId: string): Promise<void> {
  const hour = 3_600_000;
  const definition = {
    event_id: eventId,
    name: "Browser test night",
    venue: "Chromium Hall",
    starts_at: new Date(Date.now() + 48 * hour).toISOString(),
    sale_opens_at: new Date(Date.now() - hour).toISOString(),
    sale_closes_at: new Date(Date.now() + 24 * hour).toISOString(),
    currency: "KRW",
    sections: [
      { section_id: "A", name: "Floor", price: 150000, rows: 2, seats_per_row: 10 },
      { section_id: "B", name: "Balcony", price: 90000, rows: 2, seats_per_row: 10 },
    ],
  };
  for (let attempt = 1; ; attempt++) {
    try {
      await admin(gateway, "POST", "/api/v1/admin/events", definition);
      return;
    } catch (error) {
      const retryable = /answered (409|503|504)/.test(String(error));
      if (!retryable || attempt >= 8) throw error;
      await Bun.sleep(1_000);
    }
  }
}

function platformApi(stack: LocalStack, webUrl: string, eventId: string): E2EPlatform {
  const gateway = stack.urls.gateway;
  const queue = `/api/v1/admin/events/${eventId}/queue`;
  return {
    stack,
    webUrl,
    eventId,
    pauseQueue: async () => void (await admin(gateway, "POST", `${queue}/pause`)),
    resumeQueue: async () => void (await admin(gateway, "POST", `${queue}/resume`)),
    seatStatus: async (seatId) => {
      const res = await fetch(`${gateway}/api/v1/events/${eventId}/availability`);
      return ((await res.json()) as { seats: Record<string, string> }).seats[seatId];
    },
  };
}
