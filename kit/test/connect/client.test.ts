import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { inventory, reservation } from "@tt/contracts";
import { CircuitBreaker } from "../../src/connect/breaker.ts";
import { createServiceClient } from "../../src/connect/client.ts";
import { fromConnectError } from "../../src/connect/error-detail.ts";
import { AppError } from "../../src/errors.ts";
import { devCredentials } from "../../src/identity/dev-key.ts";
import { Metrics } from "../../src/metrics.ts";
import { freePort, type RunningService, startService } from "./support.ts";

// Calls seen by the upstream, by event id, so each test scripts its own failures.
const calls = new Map<string, number>();
const seen = (key: string) => {
  const n = (calls.get(key) ?? 0) + 1;
  calls.set(key, n);
  return n;
};

let upstream: RunningService;

beforeAll(async () => {
  upstream = await startService("client-test", (router) => {
    router.service(inventory.InventoryService, {
      async getInventoryStatus(req) {
        seen(req.eventId);
        if (req.eventId.startsWith("slow")) await Bun.sleep(500);
        return { eventId: req.eventId };
      },
      reserveSeats(req) {
        const n = seen(req.eventId);
        if (req.eventId === "flaky" && n <= 2) throw new ConnectError("down", Code.Unavailable);
        if (req.eventId === "down") throw new ConnectError("down", Code.Unavailable);
        if (req.eventId === "sold-out") throw new AppError("SEAT_UNAVAILABLE", "Seat A-1 is taken");
        if (req.eventId === "deep-timeout") throw new AppError("UPSTREAM_TIMEOUT", "DynamoDB did not answer");
        if (req.eventId === "busy")
          throw new AppError("OVERLOADED", "DynamoDB is busy", { retryAfterSec: 2 });
        return { seatIds: req.seatIds };
      },
    });
    router.service(reservation.ReservationService, {
      createReservation(req) {
        seen(req.eventId);
        throw new ConnectError("down", Code.Unavailable);
      },
    });
  });
});

afterAll(async () => {
  await upstream.service.stop();
});

describe("service client deadline", () => {
  test("a call past its deadline fails with UPSTREAM_TIMEOUT soon after the deadline", async () => {
    const client = createServiceClient(inventory.InventoryService, {
      name: "inventory",
      baseUrl: upstream.url,
      ...upstream.dev,
      timeoutMs: 100,
    });
    const started = performance.now();
    const error = await client.getInventoryStatus({ eventId: "slow-deadline" }).catch((e) => e);
    const elapsed = performance.now() - started;
    expect(fromConnectError(error).code).toBe("UPSTREAM_TIMEOUT");
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(300);
    // A timeout is not "unavailable", so it is not retried either.
    expect(calls.get("slow-deadline")).toBe(1);
  });

  test("a timed-out call counts as an unhealthy upstream for the breaker", async () => {
    const client = createServiceClient(inventory.InventoryService, {
      name: "inventory",
      baseUrl: upstream.url,
      ...upstream.dev,
      timeoutMs: 50,
      breaker: { failureThreshold: 1, openMs: 10_000 },
    });
    await client.getInventoryStatus({ eventId: "slow-breaker" }).catch(() => undefined);
    expect(client.breaker.state).toBe("open");
  });
});

describe("service client retries", () => {
  test("an idempotent procedure is retried while the upstream answers Unavailable", async () => {
    const client = createServiceClient(inventory.InventoryService, {
      name: "inventory",
      baseUrl: upstream.url,
      ...upstream.dev,
    });
    const res = await client.reserveSeats({ eventId: "flaky", seatIds: ["A-1"] });
    expect(res.seatIds).toEqual(["A-1"]);
    expect(calls.get("flaky")).toBe(3);
  });

  test("retries stop after the configured number and the caller sees UPSTREAM_UNAVAILABLE", async () => {
    const client = createServiceClient(inventory.InventoryService, {
      name: "inventory",
      baseUrl: upstream.url,
      ...upstream.dev,
      retries: 1,
    });
    const error = await client.reserveSeats({ eventId: "down", seatIds: ["A-1"] }).catch((e) => e);
    expect(fromConnectError(error).code).toBe("UPSTREAM_UNAVAILABLE");
    // What the transport said stays in the log, not in the answer.
    expect(fromConnectError(error).message).toBe(
      "A service this request needs is unavailable; try again shortly",
    );
    expect(calls.get("down")).toBe(2);
  });

  test("a procedure without an idempotency level is attempted exactly once", async () => {
    const client = createServiceClient(reservation.ReservationService, {
      name: "reservation",
      baseUrl: upstream.url,
      ...upstream.dev,
      retries: 3,
    });
    const error = await client.createReservation({ eventId: "create-once" }).catch((e) => e);
    expect((error.cause as ConnectError).code).toBe(Code.Unavailable);
    expect(calls.get("create-once")).toBe(1);
  });

  test("a domain error is neither retried nor counted against the upstream's health", async () => {
    const client = createServiceClient(inventory.InventoryService, {
      name: "inventory",
      baseUrl: upstream.url,
      ...upstream.dev,
      breaker: { failureThreshold: 1, openMs: 10_000 },
    });
    const error = await client.reserveSeats({ eventId: "sold-out", seatIds: ["A-1"] }).catch((e) => e);
    expect(fromConnectError(error).code).toBe("SEAT_UNAVAILABLE");
    expect(calls.get("sold-out")).toBe(1);
    expect(client.breaker.state).toBe("closed");
  });

  test("an upstream passing on its own dependency's timeout is answering: this hop's breaker stays closed", async () => {
    const client = createServiceClient(inventory.InventoryService, {
      name: "inventory",
      baseUrl: upstream.url,
      ...upstream.dev,
      retries: 0,
      breaker: { failureThreshold: 1, openMs: 10_000 },
    });
    const error = await client.reserveSeats({ eventId: "deep-timeout", seatIds: ["A-1"] }).catch((e) => e);
    expect(fromConnectError(error).code).toBe("UPSTREAM_TIMEOUT");
    expect(client.breaker.state).toBe("closed");
  });
});

describe("service client overload", () => {
  test("calls beyond the bulkhead are refused at once with OVERLOADED, without reaching the upstream, and counted", async () => {
    const metrics = new Metrics("client-test");
    const client = createServiceClient(inventory.InventoryService, {
      name: "inventory",
      baseUrl: upstream.url,
      ...upstream.dev,
      maxInFlight: 1,
      maxQueued: 1,
      timeoutMs: 2_000,
      metrics,
    });
    const started = Date.now();
    const answers = await Promise.all(
      [1, 2, 3].map(() =>
        client.getInventoryStatus({ eventId: "slow-bulkhead" }).then(
          () => "ok",
          (e: unknown) => fromConnectError(e),
        ),
      ),
    );
    const refused = answers.filter((a) => a instanceof AppError) as AppError[];
    expect(refused.map((e) => [e.code, e.retryAfterSec])).toEqual([["OVERLOADED", 1]]);
    expect(answers.filter((a) => a === "ok")).toHaveLength(2);
    expect(calls.get("slow-bulkhead")).toBe(2);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(await metrics.render()).toMatch(/^bulkhead_rejected_total\{dependency="inventory"[^}]*\} 1$/m);
  });

  test("an upstream's Retry-After reaches the caller, and a busy upstream does not trip the breaker", async () => {
    const client = createServiceClient(inventory.InventoryService, {
      name: "inventory",
      baseUrl: upstream.url,
      ...upstream.dev,
    });
    for (let i = 0; i < 6; i++) {
      const error = fromConnectError(
        await client.reserveSeats({ eventId: "busy", seatIds: ["A-1"] }).catch((e: unknown) => e),
      );
      expect([error.code, error.retryAfterSec]).toEqual(["OVERLOADED", 2]);
    }
    expect(client.breaker.state).toBe("closed");
  });
});

describe("service client circuit breaker", () => {
  test("a refused connection is reported as UPSTREAM_UNAVAILABLE", async () => {
    const client = createServiceClient(inventory.InventoryService, {
      name: "inventory",
      baseUrl: `http://127.0.0.1:${await freePort()}`,
      retries: 0,
    });
    const error = await client.getInventoryStatus({ eventId: "e1" }).catch((e) => e);
    expect((error.cause as ConnectError).code).toBe(Code.Unavailable);
    expect(fromConnectError(error).code).toBe("UPSTREAM_UNAVAILABLE");
  });

  test("a refused connection on a safe procedure is retried (each attempt counts for the breaker)", async () => {
    const client = createServiceClient(inventory.InventoryService, {
      name: "inventory",
      baseUrl: `http://127.0.0.1:${await freePort()}`,
      retries: 2,
      breaker: { failureThreshold: 3, openMs: 10_000 },
    });
    await client.getInventoryStatus({ eventId: "e1" }).catch(() => undefined);
    expect(client.breaker.state).toBe("open");
  });

  test("its state is on the caller's /metrics as circuit_breaker_state{service} (2 open, 1 probing, 0 closed)", async () => {
    const metrics = new Metrics("client-test");
    const client = createServiceClient(inventory.InventoryService, {
      name: "inventory",
      baseUrl: `http://127.0.0.1:${await freePort()}`,
      retries: 0,
      breaker: { failureThreshold: 1, openMs: 100 },
      metrics,
    });
    const state = async () =>
      /^circuit_breaker_state\{[^}]*service="inventory"[^}]*\} (\d)$/m.exec(await metrics.render())?.[1];
    expect(await state()).toBe("0");
    await client.getInventoryStatus({ eventId: "e1" }).catch(() => undefined);
    expect(await state()).toBe("2");
    await Bun.sleep(120);
    expect(await state()).toBe("1");
  });

  test("opens after consecutive failures, fails fast without the network, and closes after a good probe", async () => {
    const port = await freePort();
    const client = createServiceClient(inventory.InventoryService, {
      name: "inventory",
      baseUrl: `http://127.0.0.1:${port}`,
      retries: 0,
      breaker: { failureThreshold: 3, openMs: 300 },
      credentials: devCredentials(),
      audience: "client-test-revived",
    });
    for (let i = 0; i < 3; i++) {
      await client.getInventoryStatus({ eventId: "probe" }).catch(() => undefined);
    }
    expect(client.breaker.state).toBe("open");

    // The upstream comes back on that very port; while open, the client must not reach it.
    const revived = await startService(
      "client-test-revived",
      (router) =>
        router.service(inventory.InventoryService, {
          getInventoryStatus(req) {
            seen(`revived:${req.eventId}`);
            return { eventId: req.eventId };
          },
        }),
      { port },
    );
    try {
      const started = performance.now();
      const error = await client.getInventoryStatus({ eventId: "probe" }).catch((e) => e);
      // At once, without the network (the revived upstream is never reached, below); the bound
      // is loose because a busy CI machine delays even a local answer by tens of ms.
      expect(performance.now() - started).toBeLessThan(250);
      const app = fromConnectError(error);
      expect(app.code).toBe("UPSTREAM_UNAVAILABLE");
      expect(app.message).toContain("circuit open");
      expect(calls.get("revived:probe")).toBeUndefined();

      await Bun.sleep(320);
      const res = await client.getInventoryStatus({ eventId: "probe" });
      expect(res.eventId).toBe("probe");
      expect(calls.get("revived:probe")).toBe(1);
      expect(client.breaker.state).toBe("closed");
    } finally {
      await revived.service.stop();
    }
  });
});

describe("CircuitBreaker", () => {
  function breakerAt(start = 1_000) {
    const clock = { now: start };
    const breaker = new CircuitBreaker({ failureThreshold: 2, openMs: 100 }, () => clock.now);
    return { breaker, clock };
  }

  test("stays closed until the failures are consecutive and reach the threshold", () => {
    const { breaker } = breakerAt();
    breaker.failure();
    breaker.success();
    breaker.failure();
    expect(breaker.state).toBe("closed");
    expect(breaker.tryPass()).toBe(true);
    breaker.failure();
    expect(breaker.state).toBe("open");
    expect(breaker.tryPass()).toBe(false);
  });

  test("a run of failures among mostly answered calls is a busy upstream: it stays closed", () => {
    const { breaker } = breakerAt();
    for (let i = 0; i < 10; i++) breaker.success();
    breaker.failure();
    breaker.failure();
    breaker.failure();
    expect(breaker.state).toBe("closed");
    // Once most of the window's calls fail, it opens.
    for (let i = 0; i < 8; i++) breaker.failure();
    expect(breaker.state).toBe("open");
  });

  test("the failure share is counted over a window of time", () => {
    const { breaker, clock } = breakerAt();
    for (let i = 0; i < 10; i++) breaker.success();
    clock.now += 10_000;
    breaker.failure();
    breaker.failure();
    expect(breaker.state).toBe("open");
  });

  test("reports how long until a probe is allowed while open", () => {
    const { breaker, clock } = breakerAt();
    breaker.failure();
    breaker.failure();
    clock.now += 30;
    expect(breaker.retryAfterMs()).toBe(70);
  });

  test("after the open period lets exactly one probe through", () => {
    const { breaker, clock } = breakerAt();
    breaker.failure();
    breaker.failure();
    clock.now += 100;
    expect(breaker.state).toBe("half-open");
    expect(breaker.retryAfterMs()).toBe(0);
    expect(breaker.tryPass()).toBe(true);
    expect(breaker.tryPass()).toBe(false);
  });

  test("closes when the probe succeeds", () => {
    const { breaker, clock } = breakerAt();
    breaker.failure();
    breaker.failure();
    clock.now += 100;
    breaker.tryPass();
    breaker.success();
    expect(breaker.state).toBe("closed");
    expect(breaker.tryPass()).toBe(true);
    expect(breaker.tryPass()).toBe(true);
  });

  test("reopens for a full period when the probe fails", () => {
    const { breaker, clock } = breakerAt();
    breaker.failure();
    breaker.failure();
    clock.now += 100;
    breaker.tryPass();
    breaker.failure();
    expect(breaker.state).toBe("open");
    expect(breaker.tryPass()).toBe(false);
    clock.now += 99;
    expect(breaker.tryPass()).toBe(false);
    clock.now += 1;
    expect(breaker.tryPass()).toBe(true);
  });
});
