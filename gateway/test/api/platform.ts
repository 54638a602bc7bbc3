// The whole local platform (every service from its main.ts, DynamoDB Local, fauxqs, Redis) on
// 19xxx ports, for the gateway's API tests: they exercise the real services behind each route.
import { type LocalStack, type ServiceName, startLocalStack } from "@tt/kit/local";

// Offsets of each listener from a test file's port block (services also use port + 1).
const OFFSETS = {
  gateway: 0,
  reservation: 10,
  inventory: 20,
  payment: 30,
  worker: 40,
  web: 300,
  redis: 390,
  dynamodb: 100,
  sqs: 566,
};

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
    ports: Object.fromEntries(Object.entries(OFFSETS).map(([k, v]) => [k, base + v])) as typeof OFFSETS,
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
