import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { inventory } from "@tt/contracts";
import { createServiceClient } from "../../src/connect/client.ts";
import { fromConnectError } from "../../src/connect/error-detail.ts";
import { AppError } from "../../src/errors.ts";
import { credentialInterceptor } from "../../src/identity/connect.ts";
import { devAuthorization, devCredentials } from "../../src/identity/dev-key.ts";
import { captureStdout, type RunningService, startService } from "./support.ts";

const SECRET = "db password is hunter2";

// A stub inventory: section counts for any event, and scripted failures keyed by event id.
const stubInventory = {
  getInventoryStatus(req: inventory.GetInventoryStatusRequest) {
    return create(inventory.GetInventoryStatusResponseSchema, {
      eventId: req.eventId,
      sections: [{ sectionId: "A", total: 100, available: 42, held: 8, sold: 50 }],
    });
  },
  reserveSeats(req: inventory.ReserveSeatsRequest) {
    if (req.eventId === "sold-out") {
      throw new AppError("SEAT_UNAVAILABLE", "Seat A-1 is taken", { metadata: { seat_id: "A-1" } });
    }
    if (req.eventId === "bug") throw new Error(SECRET);
    return create(inventory.ReserveSeatsResponseSchema, {
      seatIds: req.seatIds,
      totalAmount: 15_000n * BigInt(req.seatIds.length),
      currency: "KRW",
    });
  },
};

let inv: RunningService;
// Calls come as the developer: every procedure but health needs a credential.
let authorization = "";

beforeAll(async () => {
  inv = await startService("mount-test", (router) =>
    router.service(inventory.InventoryService, stubInventory),
  );
  authorization = await devAuthorization("mount-test");
});

const grpcWeb = () =>
  createGrpcWebTransport({
    baseUrl: inv.url,
    useBinaryFormat: true,
    interceptors: [credentialInterceptor(devCredentials(), "mount-test")],
  });

afterAll(async () => {
  await inv.service.stop();
});

function postJson(path: string, body: unknown) {
  return fetch(`${inv.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization },
    body: JSON.stringify(body),
  });
}

describe("Connect handlers mounted on the service listener", () => {
  test("answers Connect JSON over a plain fetch POST", async () => {
    const res = await postJson("/inventory.v1.InventoryService/GetInventoryStatus", { eventId: "e1" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("application/json");
    expect(await res.json()).toEqual({
      eventId: "e1",
      sections: [{ sectionId: "A", total: 100, available: 42, held: 8, sold: 50 }],
    });
  });

  test("answers the kit's binary Connect client", async () => {
    const client = createServiceClient(inventory.InventoryService, {
      name: "inventory",
      baseUrl: inv.url,
      ...inv.dev,
    });
    const res = await client.reserveSeats({ eventId: "e1", seatIds: ["A-1", "A-2"] });
    expect(res.seatIds).toEqual(["A-1", "A-2"]);
    expect(res.totalAmount).toBe(30_000n);
    expect(res.currency).toBe("KRW");
  });

  test("answers a gRPC-Web client", async () => {
    const transport = grpcWeb();
    const client = createClient(inventory.InventoryService, transport);
    const res = await client.getInventoryStatus({ eventId: "e2" });
    expect(res.eventId).toBe("e2");
    expect(res.sections[0]?.available).toBe(42);
  });

  test("answers Connect GET for a side-effect-free procedure", async () => {
    const message = encodeURIComponent(JSON.stringify({ eventId: "e3" }));
    const res = await fetch(
      `${inv.url}/inventory.v1.InventoryService/GetInventoryStatus?connect=v1&encoding=json&message=${message}`,
      { headers: { authorization } },
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { eventId: string }).eventId).toBe("e3");
  });

  test("refuses Connect GET for a procedure with side effects", async () => {
    const message = encodeURIComponent(JSON.stringify({ eventId: "e3" }));
    const res = await fetch(
      `${inv.url}/inventory.v1.InventoryService/ReserveSeats?connect=v1&encoding=json&message=${message}`,
      { headers: { authorization } },
    );
    expect(res.ok).toBe(false);
  });

  test("refuses native gRPC with 415, since Bun.serve cannot send trailers", async () => {
    const res = await fetch(`${inv.url}/inventory.v1.InventoryService/GetInventoryStatus`, {
      method: "POST",
      headers: { "content-type": "application/grpc" },
      body: new Uint8Array([0, 0, 0, 0, 0]),
    });
    expect(res.status).toBe(415);
  });

  test("labels Connect requests in the HTTP metrics by procedure path, not UNMATCHED", async () => {
    await postJson("/inventory.v1.InventoryService/GetInventoryStatus", { eventId: "e4" });
    const text = await inv.service.metrics.render();
    expect(text).toMatch(
      /http_server_requests_total\{[^}]*route="\/inventory\.v1\.InventoryService\/GetInventoryStatus"[^}]*status_code="200"/,
    );
  });

  test("holds Connect requests to the body limit", async () => {
    const res = await postJson("/inventory.v1.InventoryService/GetInventoryStatus", {
      eventId: "x".repeat(64 * 1024),
    });
    expect(res.status).toBe(413);
  });

  test("grpc.health.v1.Health/Check answers SERVING when there are no readiness checks", async () => {
    const res = await postJson("/grpc.health.v1.Health/Check", {});
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "SERVING" });
  });
});

describe("errors thrown by handlers", () => {
  test("a domain AppError reaches the client as FailedPrecondition carrying its catalogue code", async () => {
    const client = createServiceClient(inventory.InventoryService, {
      name: "inventory",
      baseUrl: inv.url,
      ...inv.dev,
    });
    const error = await client.reserveSeats({ eventId: "sold-out", seatIds: ["A-1"] }).catch((e) => e);
    // The kit client hands the caller the catalogue error itself; the wire's code stays its cause.
    expect(error).toBeInstanceOf(AppError);
    expect((error.cause as ConnectError).code).toBe(Code.FailedPrecondition);
    const app = error as AppError;
    expect(app.code).toBe("SEAT_UNAVAILABLE");
    expect(app.message).toBe("Seat A-1 is taken");
    expect(app.metadata).toEqual({ seat_id: "A-1" });
  });

  test("a domain AppError over Connect JSON is a failed_precondition body with the detail attached", async () => {
    const res = await postJson("/inventory.v1.InventoryService/ReserveSeats", {
      eventId: "sold-out",
      seatIds: ["A-1"],
    });
    const body = (await res.json()) as { code: string; details?: Array<{ type: string }> };
    expect(res.status).toBe(400);
    expect(body.code).toBe("failed_precondition");
    expect(body.details?.map((d) => d.type)).toEqual(["common.v1.ErrorDetail"]);
  });

  test("a domain AppError reaches a gRPC-Web client with its catalogue code", async () => {
    const transport = grpcWeb();
    const client = createClient(inventory.InventoryService, transport);
    const error = await client.reserveSeats({ eventId: "sold-out", seatIds: ["A-1"] }).catch((e) => e);
    expect(ConnectError.from(error).code).toBe(Code.FailedPrecondition);
    expect(fromConnectError(error).code).toBe("SEAT_UNAVAILABLE");
  });

  test("an unexpected Error becomes INTERNAL without leaking its message", async () => {
    const client = createServiceClient(inventory.InventoryService, {
      name: "inventory",
      baseUrl: inv.url,
      ...inv.dev,
      retries: 0,
    });
    const { result: error, lines } = await captureStdout(() =>
      client.reserveSeats({ eventId: "bug", seatIds: ["A-1"] }).catch((e) => e),
    );
    // The bug is logged for the operator, with the original message, but not sent to the caller.
    expect(lines.some((line) => line.includes("unhandled error in rpc") && line.includes("hunter2"))).toBe(
      true,
    );
    expect((error.cause as ConnectError).code).toBe(Code.Internal);
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe("INTERNAL");
    expect(String(error)).not.toContain("hunter2");

    const { result: res } = await captureStdout(() =>
      postJson("/inventory.v1.InventoryService/ReserveSeats", { eventId: "bug", seatIds: ["A-1"] }),
    );
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain("hunter2");
  });
});
