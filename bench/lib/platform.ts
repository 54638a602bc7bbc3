/**
 * The platform a scenario runs against: the whole local stack started privately on a free port
 * block (never the dev stack's ports), or an existing gateway given by `--url` / `BENCH_URL`.
 */
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { inventory } from "@tt/contracts";
import { createServiceClient, devCredentials } from "@tt/kit";
import { type LocalStack, PortBusyError, portBlock, startLocalStack } from "@tt/kit/local";
import { jwtOrFile } from "./load-test-identity.ts";
import { stopOnSignals } from "./stop-on-signal.ts";

/** Where a scenario sends traffic, what it may inspect, and how to let go of it. */
export interface BenchPlatform {
  gateway: string;
  /** The inventory service's URL when the bench started the stack (events are created there). */
  inventory?: string;
  /** Every service's base URL, when the bench started the stack (for their /metrics). */
  services?: Record<string, string>;
  /** DynamoDB endpoint and stage, when known (own stack, or `--dynamodb` + `--stage`). */
  dynamodb?: { endpoint: string; stage: string };
  /** Pids of the platform's processes, for CPU sampling (empty for a remote target). */
  pids(): number[];
  /** The pid of one child's latest start ("gateway", "redis", …), when the bench started the stack. */
  pidOf?(name: string): number | undefined;
  /** The SQS emulator and the dead-letter queue, when the bench started the stack. */
  sqs?: { endpoint: string; dlqUrl: string };
  /** Redis, when the bench started the stack. */
  redisUrl?: string;
  /** Settings the services got (empty for a remote target). */
  env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/** Starts the whole platform (no web app) with `env` settings on top of bench defaults. */
export async function startBenchStack(env: Record<string, string>): Promise<BenchPlatform> {
  const settings = {
    LOG_LEVEL: "warn",
    // Every simulated buyer shares 127.0.0.1: the per-IP limit would measure the limiter only.
    RATE_LIMIT_ENABLED: "false",
    ...env,
  };
  for (let attempt = 0; ; attempt++) {
    const base = 20_000 + 1000 * Math.floor(Math.random() * 9);
    try {
      const stack: LocalStack = await startLocalStack({
        web: false,
        ports: portBlock(base),
        stage: `bench${Date.now().toString(36)}`,
        env: { ...process.env, REDIS_URL: undefined, LOCAL_DATA_DIR: undefined, ...settings },
        // Child logs would scribble over the live progress; warnings still reach stderr.
        sink: (line) => {
          if (/"level":"(warn|error)"|error|exited/i.test(line)) process.stderr.write(`${line}\n`);
        },
        color: false,
      });
      void stack.crashed.then((message) => process.stderr.write(`bench: platform crashed: ${message}\n`));
      stopOnSignals(() => stack.stop());
      return {
        gateway: stack.urls.gateway,
        inventory: stack.urls.services.inventory,
        // With gateway replicas (GATEWAY_REPLICAS), each by its own address ("gateway", "gateway-2"):
        // their metrics are read one by one, and a chaos kill waits on the replica it killed.
        services: { ...stack.urls.services, ...stack.urls.gatewayReplicas },
        dynamodb: { endpoint: stack.urls.dynamodb, stage: stack.env.STAGE ?? "" },
        pids: () => stack.pids(),
        pidOf: (name) => stack.pidOf(name),
        sqs: { endpoint: stack.urls.sqs, dlqUrl: stack.queues.dlqUrl },
        redisUrl: stack.urls.redis,
        env: { ...stack.env, ...settings },
        stop: () => stack.stop(),
      };
    } catch (error) {
      if (!(error instanceof PortBusyError) || attempt >= 4) throw error;
    }
  }
}

/** An existing gateway; store checks need its DynamoDB endpoint and stage too. */
export function remotePlatform(url: string, dynamodb?: { endpoint: string; stage: string }): BenchPlatform {
  return {
    gateway: url.replace(/\/$/, ""),
    ...(dynamodb ? { dynamodb } : {}),
    pids: () => [],
    env: {},
    stop: async () => undefined,
  };
}

/**
 * The admin's headers: the bypass token outside production and staging, or, against a staging
 * stage, the admin JWT of its load-test identity (BENCH_ADMIN_JWT: the token, or the file
 * `mint-jwts` wrote).
 */
export const ADMIN_HEADERS: Record<string, string> = process.env.BENCH_ADMIN_JWT
  ? {
      authorization: `Bearer ${jwtOrFile(process.env.BENCH_ADMIN_JWT)}`,
      "content-type": "application/json",
    }
  : {
      authorization: "Bearer dev-super-key-local-testing",
      "x-user-id": "bench-ops",
      "content-type": "application/json",
    };

/** Sets an event's admission (per second, and admitted at once) through the admin API, as an operator would. */
export async function setAdmission(
  gateway: string,
  eventId: string,
  rate: number,
  cap: number,
  more: Record<string, unknown> = {},
): Promise<void> {
  const res = await fetch(`${gateway}/api/v1/admin/events/${eventId}/queue`, {
    method: "PATCH",
    headers: ADMIN_HEADERS,
    body: JSON.stringify({ rate, cap, ...more }),
  });
  if (!res.ok) throw new Error(`setting admission of ${eventId}: ${res.status} ${await res.text()}`);
}

/** Sections of 10 rows × 25 seats (the last one shorter) adding up to `seats`. */
function layout(seats: number) {
  const perSection = 250;
  return Array.from({ length: Math.ceil(seats / perSection) }, (_, i) => {
    const count = Math.min(perSection, seats - i * perSection);
    const seatsPerRow = count % 25 === 0 ? 25 : count % 10 === 0 ? 10 : count;
    return {
      id: String.fromCharCode(65 + i),
      price: 50_000 + 10_000 * (i % 4),
      rows: count / seatsPerRow,
      seatsPerRow,
    };
  });
}

/**
 * Creates an event of `seats` seats. On our own stack it goes straight to inventory with a long
 * deadline: the gateway's admin route gives CreateEvent its 500 ms inventory deadline, which a
 * few hundred seat writes on DynamoDB Local exceed. A remote target gets the admin API.
 */
export async function createBenchEvent(
  platform: BenchPlatform,
  eventId: string,
  seats: number,
): Promise<void> {
  const hour = 3_600_000;
  const now = Date.now();
  const sections = layout(seats);
  if (platform.inventory) {
    const client = createServiceClient(inventory.InventoryService, {
      name: "inventory",
      baseUrl: platform.inventory,
      timeoutMs: 120_000,
      // Straight to a service: the developer credential (the bench's stack is never production).
      credentials: devCredentials(),
    });
    await client.createEvent({
      eventId,
      name: `Bench drop ${eventId}`,
      venue: "Bench Arena",
      currency: "KRW",
      startsAt: timestampFromMs(now + 24 * hour),
      saleOpensAt: timestampFromMs(now - hour),
      saleClosesAt: timestampFromMs(now + 12 * hour),
      sections: sections.map((x) => ({
        sectionId: x.id,
        name: `Section ${x.id}`,
        price: BigInt(x.price),
        rows: x.rows,
        seatsPerRow: x.seatsPerRow,
      })),
    });
    return;
  }
  const res = await fetch(`${platform.gateway}/api/v1/admin/events`, {
    method: "POST",
    headers: ADMIN_HEADERS,
    body: JSON.stringify({
      event_id: eventId,
      name: `Bench drop ${eventId}`,
      venue: "Bench Arena",
      starts_at: new Date(now + 24 * hour).toISOString(),
      sale_opens_at: new Date(now - hour).toISOString(),
      sale_closes_at: new Date(now + 12 * hour).toISOString(),
      currency: "KRW",
      sections: sections.map((x) => ({
        section_id: x.id,
        name: `Section ${x.id}`,
        price: x.price,
        rows: x.rows,
        seats_per_row: x.seatsPerRow,
      })),
    }),
  });
  if (res.status !== 201) throw new Error(`creating ${eventId}: ${res.status} ${await res.text()}`);
}
