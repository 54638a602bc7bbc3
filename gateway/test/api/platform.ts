// The whole local platform (every service from its main.ts, DynamoDB Local, fauxqs, Redis) on
// 19xxx ports, for the gateway's API tests: they exercise the real services behind each route.
import { type LocalStack, startLocalStack } from "@tt/kit/local";

const PORTS = {
  gateway: 19000,
  reservation: 19010,
  inventory: 19020,
  payment: 19030,
  worker: 19040,
  web: 19300,
  redis: 19390,
  dynamodb: 19100,
  sqs: 19566,
};

/** Bypass tokens (outside production): the admin one, and one naming any buyer. */
export const ADMIN = { authorization: "Bearer dev-super-key-local-testing", "x-user-id": "ops" };

/** Starts the platform with short holds and instant admission; `stop()` in afterAll. */
export async function startApiPlatform(holdSeconds: number): Promise<LocalStack> {
  return startLocalStack({
    web: false,
    ports: PORTS,
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
      OUTBOX_POLL_MS: "100",
    },
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
