// Deadlines travel with the work: a service calling another from inside a handler gives it what
// is left of its own caller's budget, and stops with that caller. Real services on real ports.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { inventory } from "@tt/contracts";
import { createServiceClient } from "../../src/connect/client.ts";
import { detached } from "../../src/connect/deadline.ts";
import { fromConnectError } from "../../src/connect/error-detail.ts";
import { type RunningService, startService } from "./support.ts";

// What the last service in the chain saw, per event id.
const budgets = new Map<string, number>();
const abandoned = new Set<string>();

let last: RunningService;
let middle: RunningService;

beforeAll(async () => {
  last = await startService("deadline-last", (router) => {
    router.service(inventory.InventoryService, {
      async getInventoryStatus(req, ctx) {
        budgets.set(req.eventId, Number(ctx.requestHeader.get("connect-timeout-ms")));
        if (req.eventId.startsWith("slow")) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 1000);
            ctx.signal.addEventListener("abort", () => {
              clearTimeout(timer);
              abandoned.add(req.eventId);
              resolve();
            });
          });
        }
        return { eventId: req.eventId };
      },
    });
  });
  // The middle hop's own client would allow 5 s; its caller allows far less.
  const next = createServiceClient(inventory.InventoryService, {
    name: "last",
    baseUrl: last.url,
    timeoutMs: 5000,
    ...last.dev,
  });
  middle = await startService("deadline-middle", (router) => {
    router.service(inventory.InventoryService, {
      async getInventoryStatus(req) {
        if (req.eventId.startsWith("late")) await Bun.sleep(150);
        if (req.eventId.startsWith("detached")) {
          return detached(() => next.getInventoryStatus({ eventId: req.eventId }));
        }
        return next.getInventoryStatus({ eventId: req.eventId });
      },
    });
  });
});

afterAll(async () => {
  await middle.service.stop();
  await last.service.stop();
});

const caller = () =>
  createServiceClient(inventory.InventoryService, {
    name: "middle",
    baseUrl: middle.url,
    timeoutMs: 300,
    ...middle.dev,
  });

describe("deadline propagation", () => {
  test("the next hop gets what is left of the caller's budget, not its own default", async () => {
    await caller().getInventoryStatus({ eventId: "plain" });
    const budget = budgets.get("plain") ?? 0;
    expect(budget).toBeGreaterThan(200);
    expect(budget).toBeLessThanOrEqual(300);
  });

  test("time spent before the call is taken off the next hop's budget", async () => {
    await caller().getInventoryStatus({ eventId: "late-1" });
    expect(budgets.get("late-1") ?? 0).toBeLessThanOrEqual(150);
  });

  test("when the caller gives up, the whole chain stops at its deadline", async () => {
    const started = performance.now();
    const error = await caller()
      .getInventoryStatus({ eventId: "slow-1" })
      .catch((e) => e);
    expect(fromConnectError(error).code).toBe("UPSTREAM_TIMEOUT");
    expect(performance.now() - started).toBeLessThan(600);
    // The last service saw its request abandoned instead of working on for a full second.
    await Bun.sleep(100);
    expect(abandoned.has("slow-1")).toBe(true);
  });

  test("a call that starts with its caller's budget spent is not sent at all", async () => {
    const tight = createServiceClient(inventory.InventoryService, {
      name: "middle",
      baseUrl: middle.url,
      ...middle.dev,
      timeoutMs: 100,
    });
    await tight.getInventoryStatus({ eventId: "late-2" }).catch(() => undefined);
    await Bun.sleep(200);
    expect(budgets.has("late-2")).toBe(false);
  });

  test("detached work keeps its own deadline whatever the caller's", async () => {
    await caller().getInventoryStatus({ eventId: "detached-1" });
    expect(budgets.get("detached-1")).toBe(5000);
  });
});
