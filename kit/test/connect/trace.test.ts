import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { inventory } from "@tt/contracts";
import { createServiceClient } from "../../src/connect/client.ts";
import { fromConnectError } from "../../src/connect/error-detail.ts";
import { AppError } from "../../src/errors.ts";
import { currentTraceId } from "../../src/telemetry.ts";
import { captureStdout, type RunningService, startService } from "./support.ts";

// Trace ids B's handler ran under, by event id.
const seenByB = new Map<string, string>();

let b: RunningService;
let a: RunningService;

const hex = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");

beforeAll(async () => {
  b = await startService("trace-b", (router) =>
    router.service(inventory.InventoryService, {
      getInventoryStatus(req) {
        seenByB.set(req.eventId, currentTraceId());
        return { eventId: req.eventId };
      },
      reserveSeats(req) {
        seenByB.set(req.eventId, currentTraceId());
        throw new AppError("SEAT_UNAVAILABLE", "Seat A-1 is taken");
      },
    }),
  );
  const inv = createServiceClient(inventory.InventoryService, {
    name: "inventory",
    baseUrl: b.url,
    ...b.dev,
  });
  a = await startService("trace-a", undefined, {
    logLevel: "info",
    http: ({ app, log }) => {
      app.get("/hop/:eventId", async ({ params }) => {
        log.info("asking inventory", { event_id: params.eventId });
        const res = await inv.getInventoryStatus({ eventId: params.eventId });
        return { eventId: res.eventId, traceId: currentTraceId() };
      });
      app.get("/hop-fail/:eventId", async ({ params }) => {
        try {
          return await inv.reserveSeats({ eventId: params.eventId, seatIds: ["A-1"] });
        } catch (error) {
          throw fromConnectError(error);
        }
      });
    },
  });
});

afterAll(async () => {
  await a.service.stop();
  await b.service.stop();
});

describe("trace propagation across a Connect hop", () => {
  test("the upstream handler runs in the caller's trace, and the caller's log lines carry it", async () => {
    const traceId = hex(16);
    const { result: res, lines } = await captureStdout(() =>
      fetch(`${a.url}/hop/t1`, { headers: { traceparent: `00-${traceId}-${hex(8)}-01` } }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ eventId: "t1", traceId });
    expect(seenByB.get("t1")).toBe(traceId);
    const hop = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === "asking inventory");
    expect(hop).toMatchObject({ service: "trace-a", trace_id: traceId, event_id: "t1" });
  });

  test("a request without traceparent starts a new trace that the upstream continues", async () => {
    const res = await captureStdout(() => fetch(`${a.url}/hop/t2`));
    const body = (await res.result.json()) as { traceId: string };
    expect(body.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(seenByB.get("t2")).toBe(body.traceId);
  });

  test("an upstream domain error reaches the REST caller with its code and the same trace id", async () => {
    const traceId = hex(16);
    const res = await fetch(`${a.url}/hop-fail/t3`, {
      headers: { traceparent: `00-${traceId}-${hex(8)}-01` },
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: { code: "SEAT_UNAVAILABLE", message: "Seat A-1 is taken", trace_id: traceId },
    });
    expect(seenByB.get("t3")).toBe(traceId);
  });
});
