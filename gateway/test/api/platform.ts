// The whole local platform (every service from its main.ts, DynamoDB Local, fauxqs, Redis) on
// 19xxx ports, for the gateway's API tests: they exercise the real services behind each route.
import { expect } from "bun:test";
import { fromBinary } from "@bufbuild/protobuf";
import { inventory } from "@tt/contracts";
import { type LocalStack, portBlock, type ServiceName, startLocalStack } from "@tt/kit/local";
import { StoreReader } from "../../../bench/drop/store-read.ts";

/** Bypass tokens (outside production): the admin one, and one naming any buyer. */
export const ADMIN = { authorization: "Bearer dev-super-key-local-testing", "x-user-id": "ops" };

/** What a test file may change about the platform. */
export interface ApiPlatformOptions {
  /** First port of the file's block (each test file its own, below the ephemeral range). */
  base?: number;
  env?: Record<string, string>;
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
}

/** Starts the platform with short holds and instant admission; `stop()` in afterAll. */
export async function startApiPlatform(
  holdSeconds: number,
  opts: ApiPlatformOptions = {},
): Promise<LocalStack> {
  const base = opts.base ?? 19000;
  return startLocalStack({
    web: false,
    ports: portBlock(base),
    stage: `api${Date.now().toString(36)}`,
    env: {
      ...process.env,
      REDIS_URL: undefined,
      LOCAL_DATA_DIR: undefined,
      LOG_LEVEL: "error",
      HOLD_SECONDS: String(holdSeconds),
      QUEUE_TICK_MS: "50",
      QUEUE_ADMIT_RATE: "1000",
      RATE_LIMIT_ENABLED: "false",
      PAYMENT_APPROVE_DELAY_MS: "200",
      SEAT_MAP_CACHE_MS: "0",
      AVAILABILITY_CACHE_MS: "0",
      INVENTORY_TIMEOUT_MS: "2000",
      ...opts.env,
    },
    ...(opts.serviceEnv ? { serviceEnv: opts.serviceEnv } : {}),
    sink: () => undefined,
  });
}

/** A small JSON client for one buyer (or none) against the gateway. */
export function apiClient(base: string, headers: Record<string, string> = {}) {
  return async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { "content-type": "application/json", ...headers, ...extra },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: tests assert response bodies field by field
    const json: any = text ? JSON.parse(text) : undefined;
    return { status: res.status, headers: res.headers, body: json };
  };
}

/** Creates an event on sale now (for 12 hours) through the admin API; returns the HTTP status. */
export async function createOnSaleEvent(
  base: string,
  eventId: string,
  name: string,
  sections: Array<{ section_id: string; name: string; price: number; rows: number; seats_per_row: number }>,
): Promise<number> {
  const hour = 3_600_000;
  const res = await apiClient(base, ADMIN)("POST", "/api/v1/admin/events", {
    event_id: eventId,
    name,
    venue: "Test Hall",
    starts_at: new Date(Date.now() + 24 * hour).toISOString(),
    sale_opens_at: new Date(Date.now() - hour).toISOString(),
    sale_closes_at: new Date(Date.now() + 12 * hour).toISOString(),
    currency: "KRW",
    sections,
  });
  return res.status;
}

/** Join → admitted → enter for one buyer's client: its reservation token. */
export async function enterSale(b: ReturnType<typeof apiClient>, eventId: string): Promise<string> {
  const joined = await b("POST", "/api/v1/queue/join", { event_id: eventId });
  expect(joined.status).toBe(202);
  const token = encodeURIComponent(joined.body.waiting_token);
  for (let i = 0; i < 200; i++) {
    if ((await b("GET", `/api/v1/queue/status?token=${token}`)).body.ready_for_entry) break;
    await Bun.sleep(50);
  }
  const entered = await b("POST", "/api/v1/queue/enter", { waiting_token: joined.body.waiting_token });
  expect(entered.status).toBe(200);
  return entered.body.reservation_token;
}

/**
 * A proxy between two services that holds calls to one Connect method (those `delays` picks)
 * back for `delayMs` when asked to, as a slow network or a GC pause would. A held call is
 * forwarded even when its caller has gone (given up, or killed): what was sent is on its way.
 */
function delayingProxy(method: string, delays: (body: Uint8Array) => boolean = () => true) {
  const state = { delayMs: 0, target: "" };
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const url = new URL(req.url);
      const body = await req.arrayBuffer();
      if (url.pathname === method && state.delayMs > 0 && delays(new Uint8Array(body)))
        await Bun.sleep(state.delayMs);
      const headers = new Headers(req.headers);
      headers.delete("host");
      return fetch(`${state.target}${url.pathname}${url.search}`, { method: req.method, headers, body });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, state, stop: () => server.stop(true) };
}

/**
 * The platform with reservation reaching inventory's ReserveSeats through a delaying proxy, so a
 * test can hold a hold back past its deadline or past a kill, and one on-sale event of one
 * section A (2 rows of 10 unless given); stop both in afterAll.
 */
export async function startBehindHoldProxy(
  holdSeconds: number,
  opts: ApiPlatformOptions & { eventId: string; rows?: number; price?: number },
) {
  // Holds only: the precheck before a hold writes nothing, so holding it back tests nothing.
  const proxy = delayingProxy(
    "/inventory.v1.InventoryService/ReserveSeats",
    (body) => !fromBinary(inventory.ReserveSeatsRequestSchema, body).precheck,
  );
  const reservation = { ...opts.serviceEnv?.reservation, INVENTORY_URL: proxy.url };
  const stack = await startApiPlatform(holdSeconds, {
    ...opts,
    serviceEnv: { ...opts.serviceEnv, reservation },
  });
  proxy.state.target = stack.urls.services.inventory;
  const section = {
    section_id: "A",
    name: "Floor",
    price: opts.price ?? 90000,
    rows: opts.rows ?? 2,
    seats_per_row: 10,
  };
  expect(
    await createOnSaleEvent(stack.urls.gateway, opts.eventId, `Test night ${opts.eventId}`, [section]),
  ).toBe(201);
  return { stack, proxy };
}

/** Reads an event's stores of record (the drop's StoreReader) with `read`, closing the reader after. */
export async function readStore<T>(
  stack: LocalStack,
  eventId: string,
  read: (reader: StoreReader) => Promise<T>,
): Promise<T> {
  const reader = new StoreReader(stack.urls.dynamodb, stack.env.STAGE ?? "", eventId);
  try {
    return await read(reader);
  } finally {
    reader.close();
  }
}
