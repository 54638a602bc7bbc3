import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { health, inventory } from "@tt/contracts";
import { fromConnectError } from "../../src/connect/error-detail.ts";
import { AppError } from "../../src/errors.ts";
import { credentialInterceptor } from "../../src/identity/connect.ts";
import { devCredentials } from "../../src/identity/dev-key.ts";
import { createService } from "../../src/service.ts";
import { currentTraceId } from "../../src/telemetry.ts";
import { freePort, testConfig } from "../../src/testing.ts";

const rpcPort = freePort();
let seenTraceId = "";
const service = createService({
  name: "grpc-test",
  description: "native gRPC listener test",
  config: testConfig({ RPC_PORT: String(rpcPort) }),
});
service.serveRpc((router) =>
  router.service(inventory.InventoryService, {
    getInventoryStatus(req) {
      seenTraceId = currentTraceId();
      if (req.eventId === "missing") throw new AppError("EVENT_NOT_FOUND", "No event missing");
      return create(inventory.GetInventoryStatusResponseSchema, { eventId: req.eventId });
    },
  }),
);

// A real gRPC client: HTTP/2 with trailers, which Bun.serve cannot answer; it calls as the developer.
const transport = createGrpcTransport({
  baseUrl: `http://127.0.0.1:${rpcPort}`,
  interceptors: [credentialInterceptor(devCredentials(), "grpc-test")],
});

beforeAll(async () => {
  await service.start({ handleSignals: false });
});
afterAll(async () => {
  await service.stop();
});

describe("native gRPC on the RPC port", () => {
  test("serves the service's procedures to a gRPC client", async () => {
    const client = createClient(inventory.InventoryService, transport);
    const res = await client.getInventoryStatus({ eventId: "evt_1" });
    expect(res.eventId).toBe("evt_1");
  });

  test("procedures can no longer be added once the service listens", () => {
    // Served before `start` (above, after the service and its metrics exist); a late one would
    // be missing from the listener, so it is refused rather than silently dropped.
    expect(() => service.serveRpc(() => undefined)).toThrow(/before the service listens/);
  });

  test("serves the standard health check", async () => {
    const res = await createClient(health.Health, transport).check({});
    expect(res.status).toBe(health.HealthCheckResponse_ServingStatus.SERVING);
  });

  test("domain errors arrive with their catalogue code in the error detail (gRPC trailers)", async () => {
    const client = createClient(inventory.InventoryService, transport);
    const error = await client.getInventoryStatus({ eventId: "missing" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.NotFound);
    expect(fromConnectError(error).code).toBe("EVENT_NOT_FOUND");
  });

  test("continues the caller's trace from traceparent", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const client = createClient(inventory.InventoryService, transport);
    await client.getInventoryStatus(
      { eventId: "evt_1" },
      { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } },
    );
    expect(seenTraceId).toBe(traceId);
  });
});
