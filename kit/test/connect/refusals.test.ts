import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { health } from "@tt/contracts";
import { fromConnectError } from "../../src/connect/error-detail.ts";
import { isConnectPath } from "../../src/connect/refusals.ts";
import { type RunningService, startService } from "./support.ts";

// Health is open to every caller, so these calls need no service credential.
const CHECK = "/grpc.health.v1.Health/Check";
let svc: RunningService;

beforeAll(async () => {
  svc = await startService("refusals-test");
});

afterAll(async () => {
  await svc.service.stop();
});

const post = (contentType: string, body: string | Uint8Array) =>
  fetch(`${svc.url}${CHECK}`, { method: "POST", headers: { "content-type": contentType }, body });

describe("refusals on a Connect procedure's path", () => {
  test("bytes that are not a protobuf message are the caller's mistake: 400 invalid_argument, not 500", async () => {
    for (const bytes of [[0x00], [0x0f, 0xff], [0x0a, 0x05, 0x61]]) {
      const res = await post("application/proto", new Uint8Array(bytes));
      expect(res.status).toBe(400);
      const body = (await res.json()) as { code: string; message: string };
      expect(body.code).toBe("invalid_argument");
      expect(body.message).toContain("not a valid protobuf message");
    }
    // A good binary call is untouched.
    const ok = await post("application/proto", new Uint8Array());
    expect(ok.status).toBe(200);
  });

  test("a body over the limit is a Connect error a Connect client reads, carrying the catalogue code", async () => {
    const res = await post("application/json", JSON.stringify({ service: "x".repeat(20_000) }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string };
    expect(body.code).toBe("invalid_argument");

    const client = createClient(
      health.Health,
      createConnectTransport({ baseUrl: svc.url, useBinaryFormat: false }),
    );
    const error = await client.check({ service: "y".repeat(20_000) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.InvalidArgument);
    expect(fromConnectError(error).code).toBe("PAYLOAD_TOO_LARGE");
  });

  test("REST paths keep the standard body; procedure paths are told apart by their dotted service", () => {
    expect(isConnectPath(CHECK)).toBe(true);
    expect(isConnectPath("/inventory.v1.InventoryService/ReserveSeats")).toBe(true);
    expect(isConnectPath("/api/v1/payments/webhook")).toBe(false);
    expect(isConnectPath("/v1/reservations/rsv_1/confirm")).toBe(false);
  });
});
