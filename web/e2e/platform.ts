// The whole local platform, web app included, on a block of ports for the browser tests (21xxx
// unless a file asks for its own): short holds and fast admission so a full purchase takes
// seconds. The gateway's own API tests use 15xxx–19xxx.
import { type LocalStack, portBlock, startLocalStack } from "@tt/kit/local";

/** Hold length in the browser tests: long enough to pay, short enough to watch one run out. */
export const HOLD_SECONDS = 6;

/** The admin bypass token (accepted outside production only). */
const ADMIN = { authorization: "Bearer dev-super-key-local-testing", "x-user-id": "ops" };

/** A priced section of the test event: `rows` × `seats_per_row` seats. */
export interface TestSection {
  section_id: string;
  name: string;
  price: number;
  rows: number;
  seats_per_row: number;
}

/** The buyer flow's event: two sections of 2 × 10. */
const TWO_SECTIONS: TestSection[] = [
  { section_id: "A", name: "Floor", price: 150000, rows: 2, seats_per_row: 10 },
  { section_id: "B", name: "Balcony", price: 90000, rows: 2, seats_per_row: 10 },
];

/** What a test file may change about its platform. */
export interface E2EOptions {
  /** First port of the file's block (21000: web app on 21300); each file its own. */
  base?: number;
  /** The test event's sections (default: two of 2 × 10). */
  sections?: TestSection[];
  /** When the event's sale opens, from now (default: it opened an hour ago); it closes a day later. */
  saleOpensInMs?: number;
  env?: Record<string, string>;
}

/** A running platform plus the admin calls the tests steer it with. */
export interface E2EPlatform {
  stack: LocalStack;
  webUrl: string;
  eventId: string;
  /** When the test event's sale opens (epoch ms). */
  saleOpensAt: number;
  /** Stops admissions for the test event, so a buyer sits in line. */
  pauseQueue: () => Promise<void>;
  resumeQueue: () => Promise<void>;
  /** A seat's status straight from the gateway. */
  seatStatus: (seatId: string) => Promise<string | undefined>;
}

/** An admin API call; throws on anything but 2xx. */
export async function admin(gateway: string, method: string, path: string, body?: unknown): Promise<unknown> {
  return call(gateway, ADMIN, method, path, body);
}

/** A buyer's API call (the load-test bypass token names the buyer); throws on anything but 2xx. */
export function asBuyer(gateway: string, userId: string) {
  const headers = { authorization: "Bearer load-test-bypass-token", "x-user-id": userId };
  return (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) =>
    call(gateway, { ...headers, ...extra }, method, path, body) as Promise<Record<string, unknown>>;
}

async function call(
  gateway: string,
  headers: Record<string, string>,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(`${gateway}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/**
 * Holds seats through the API as `userId` (join → admitted → enter → hold), as a buyer in
 * another browser would: the reservation id. Needs admission running for the event.
 */
export async function holdThroughApi(gateway: string, eventId: string, userId: string, seatIds: string[]) {
  const buyer = asBuyer(gateway, userId);
  const joined = await buyer("POST", "/api/v1/queue/join", { event_id: eventId });
  const token = encodeURIComponent(String(joined.waiting_token));
  for (let tries = 0; ; tries++) {
    const status = await buyer("GET", `/api/v1/queue/status?token=${token}`);
    if (status.ready_for_entry === true) break;
    if (tries > 100) throw new Error(`${userId} was never admitted: ${JSON.stringify(status)}`);
    await Bun.sleep(100);
  }
  const entered = await buyer("POST", "/api/v1/queue/enter", { waiting_token: joined.waiting_token });
  const held = await buyer(
    "POST",
    "/api/v1/reservations",
    { event_id: eventId, seat_ids: seatIds, reservation_token: entered.reservation_token },
    { "idempotency-key": crypto.randomUUID() },
  );
  return String(held.reservation_id);
}

/** Starts the platform and creates a small event (by default two sections of 2 × 10) on sale now. */
export async function startE2EPlatform(opts: E2EOptions = {}): Promise<E2EPlatform> {
  const stack = await startLocalStack({
    web: true,
    ports: portBlock(opts.base ?? 21000),
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
      ...opts.env,
    },
    sink: () => undefined,
  });
  try {
    const webUrl = stack.urls.web;
    if (!webUrl) throw new Error("the local stack did not start the web app");
    const eventId = `evt_e2e_${Date.now().toString(36)}`;
    const saleOpensAt = Date.now() + (opts.saleOpensInMs ?? -3_600_000);
    await createEvent(stack.urls.gateway, eventId, opts.sections ?? TWO_SECTIONS, saleOpensAt);
    return { ...platformApi(stack, webUrl, eventId), saleOpensAt };
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
async function createEvent(
  gateway: string,
  eventId: string,
  sections: TestSection[],
  saleOpensAt: number,
): Promise<void> {
  const hour = 3_600_000;
  const definition = {
    event_id: eventId,
    name: "Browser test night",
    venue: "Chromium Hall",
    starts_at: new Date(Date.now() + 48 * hour).toISOString(),
    sale_opens_at: new Date(saleOpensAt).toISOString(),
    sale_closes_at: new Date(saleOpensAt + 24 * hour).toISOString(),
    currency: "KRW",
    sections,
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

function platformApi(stack: LocalStack, webUrl: string, eventId: string): Omit<E2EPlatform, "saleOpensAt"> {
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
