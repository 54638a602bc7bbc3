// Service identity on a real listener: a kit service standing as inventory, with keys made as the
// launcher makes them, called over Connect and REST by legal callers, strangers and forgers.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { health, inventory } from "@tt/contracts";
import { createServiceClient } from "../src/connect/client.ts";
import { fromConnectError } from "../src/connect/error-detail.ts";
import { AppError } from "../src/errors.ts";
import { callerOf } from "../src/identity/connect.ts";
import { type Credentials, ServiceCredentials } from "../src/identity/credentials.ts";
import { devAuthorization, devCredentials } from "../src/identity/dev-key.ts";
import { generateSigningKey, parseSigningKey, parseTrustedKeys } from "../src/identity/keys.ts";
import { buyerOf } from "../src/identity/rest.ts";
import { CredentialVerifier } from "../src/identity/verifier.ts";
import { createService } from "../src/service.ts";
import { testConfig, testIdentities } from "../src/testing.ts";

const ids = testIdentities();
// The gateway's next key, published beside the current one while it rolls out.
const next = generateSigningKey("gateway-next");
const trusted = JSON.parse(ids.env.inventory.SERVICE_TRUSTED_KEYS);
trusted.gateway.push(next.publicJwk);

function inventoryService(env: Record<string, string>) {
  const service = createService({
    name: "inventory",
    description: "identity under test",
    config: testConfig({ ...ids.env.inventory, SERVICE_TRUSTED_KEYS: JSON.stringify(trusted), ...env }),
  });
  service.serveRpc((router) =>
    router.service(inventory.InventoryService, {
      // Answers with who called, as the handler sees it.
      getInventoryStatus: (_req, ctx) => ({ eventId: callerOf(ctx)?.service ?? "" }),
      reserveSeats: (req, ctx) => ({ seatIds: [req.userId, callerOf(ctx)?.user ?? ""] }),
    }),
  );
  service.app.use(
    service
      .callerGuard()
      .get("/v1/me", ({ caller }) => ({ service: caller.service, user: buyerOf(caller) }))
      .get("/v1/who", ({ caller }) => ({ service: caller.service })),
  );
  return service;
}

const service = inventoryService({});
let base = "";

const clientAs = (credentials: Credentials | undefined) =>
  createServiceClient(inventory.InventoryService, {
    name: "inventory",
    baseUrl: base,
    retries: 0,
    ...(credentials ? { credentials } : {}),
  });

async function refusal(call: Promise<unknown>) {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  // The kit client rejects with the catalogue error, the wire's Connect code its cause; a bare
  // Connect client with the ConnectError itself.
  const app = fromConnectError(error);
  return { code: app.code, connect: ConnectError.from(error instanceof AppError ? error.cause : error).code };
}

// One token as `issuer` with a bearer header set by hand (no client interceptor).
const rawCall = (authorization: string) =>
  createClient(inventory.InventoryService, createConnectTransport({ baseUrl: base })).getInventoryStatus(
    { eventId: "e" },
    { headers: { authorization } },
  );

beforeAll(async () => {
  await service.start({ handleSignals: false });
  base = `http://127.0.0.1:${service.app.server?.port}`;
});
afterAll(() => service.stop());

describe("a service accepts only the callers its place in the call graph allows", () => {
  test("its legal callers get through, and the handler sees who called", async () => {
    expect((await clientAs(ids.as("gateway")).getInventoryStatus({ eventId: "e" })).eventId).toBe("gateway");
    expect((await clientAs(ids.as("reservation")).getInventoryStatus({ eventId: "e" })).eventId).toBe(
      "reservation",
    );
  });

  test("a call without a credential is 401 UNAUTHENTICATED", async () => {
    expect(await refusal(clientAs(undefined).getInventoryStatus({ eventId: "e" }))).toEqual({
      code: "UNAUTHENTICATED",
      connect: Code.Unauthenticated,
    });
  });

  test("a caller outside the graph is 403 FORBIDDEN, even with a valid credential of its own", async () => {
    expect(await refusal(clientAs(ids.as("worker")).getInventoryStatus({ eventId: "e" }))).toEqual({
      code: "FORBIDDEN",
      connect: Code.PermissionDenied,
    });
  });

  test("an expired credential is 401", async () => {
    const old = await ids.as("gateway").sign("inventory", undefined, Date.now() - 120_000);
    expect((await refusal(rawCall(`Bearer ${old}`))).code).toBe("UNAUTHENTICATED");
  });

  test("a credential for another service, or signed with one service's key in another's name, is 401", async () => {
    const elsewhere = await ids.as("gateway").sign("payment", undefined);
    expect((await refusal(rawCall(`Bearer ${elsewhere}`))).code).toBe("UNAUTHENTICATED");
    const impostor = new ServiceCredentials("gateway", ids.keys.reservation);
    expect((await refusal(clientAs(impostor).getInventoryStatus({ eventId: "e" }))).code).toBe(
      "UNAUTHENTICATED",
    );
  });

  test("both keys of an issuer are accepted while it rotates", async () => {
    const rotated = new ServiceCredentials("gateway", next.privateJwk);
    expect((await clientAs(rotated).getInventoryStatus({ eventId: "e" })).eventId).toBe("gateway");
    expect((await clientAs(ids.as("gateway")).getInventoryStatus({ eventId: "e" })).eventId).toBe("gateway");
  });
});

describe("the buyer travels signed", () => {
  test("the buyer a request names is the one its credential was signed for", async () => {
    const res = await clientAs(ids.as("gateway")).reserveSeats({ eventId: "e", userId: "alice" });
    expect(res.seatIds).toEqual(["alice", "alice"]);
  });

  test("a credential signed for one buyer cannot act for another (403)", async () => {
    const forAlice = `Bearer ${await ids.as("gateway").token("inventory", "alice")}`;
    const call = createClient(
      inventory.InventoryService,
      createConnectTransport({ baseUrl: base }),
    ).reserveSeats({ eventId: "e", userId: "bob" }, { headers: { authorization: forAlice } });
    expect((await refusal(call)).code).toBe("FORBIDDEN");
  });

  test("a user claim rewritten in a signed credential breaks its signature (401)", async () => {
    const [head, body, sig] = (await ids.as("gateway").token("inventory", "alice")).split(".");
    const claims = JSON.parse(Buffer.from(body ?? "", "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, usr: "bob" })).toString("base64url");
    const call = createClient(
      inventory.InventoryService,
      createConnectTransport({ baseUrl: base }),
    ).reserveSeats(
      { eventId: "e", userId: "bob" },
      { headers: { authorization: `Bearer ${head}.${forged}.${sig}` } },
    );
    expect((await refusal(call)).code).toBe("UNAUTHENTICATED");
  });

  test("REST takes the buyer from the credential only; a bare x-user-id is 401 with the standard body", async () => {
    const bare = await fetch(`${base}/v1/me`, { headers: { "x-user-id": "alice" } });
    expect(bare.status).toBe(401);
    expect(((await bare.json()) as { error: { code: string } }).error.code).toBe("UNAUTHENTICATED");
    const signed = await fetch(`${base}/v1/me`, {
      headers: {
        authorization: `Bearer ${await ids.as("gateway").token("inventory", "alice")}`,
        "x-user-id": "bob",
      },
    });
    expect(await signed.json()).toEqual({ service: "gateway", user: "alice" });
    const stranger = await fetch(`${base}/v1/who`, {
      headers: { authorization: `Bearer ${await ids.as("worker").token("inventory")}` },
    });
    expect(stranger.status).toBe(403);
    const noBuyer = await fetch(`${base}/v1/me`, {
      headers: { authorization: `Bearer ${await ids.as("gateway").token("inventory")}` },
    });
    expect(noBuyer.status).toBe(403);
  });
});

describe("what stays open, and the developer credential", () => {
  test("health, readiness, metrics and the gRPC health check need no credential", async () => {
    for (const path of ["/healthz", "/readyz", "/metrics"])
      expect((await fetch(`${base}${path}`)).status).toBe(200);
    const grpcHealth = createClient(health.Health, createConnectTransport({ baseUrl: base }));
    expect((await grpcHealth.check({})).status).toBe(health.HealthCheckResponse_ServingStatus.SERVING);
  });

  test("outside production the developer credential calls any service, Connect and REST", async () => {
    expect((await clientAs(devCredentials()).getInventoryStatus({ eventId: "e" })).eventId).toBe("developer");
    const res = await fetch(`${base}/v1/me`, {
      headers: { authorization: await devAuthorization("inventory", "dev") },
    });
    expect(await res.json()).toEqual({ service: "developer", user: "dev" });
  });

  test("in production the developer credential is refused, and a service without its callers' keys does not start", async () => {
    const prod = inventoryService({ APP_ENV: "production" });
    await prod.start({ handleSignals: false });
    try {
      const port = prod.app.server?.port;
      const dev = await fetch(`http://127.0.0.1:${port}/v1/who`, {
        headers: { authorization: await devAuthorization("inventory") },
      });
      expect(dev.status).toBe(401);
      const gateway = await fetch(`http://127.0.0.1:${port}/v1/who`, {
        headers: { authorization: `Bearer ${await ids.as("gateway").token("inventory")}` },
      });
      expect(gateway.status).toBe(200);
    } finally {
      await prod.stop();
    }
    expect(() =>
      createService({
        name: "inventory",
        description: "no keys",
        config: testConfig({ APP_ENV: "production" }),
      }),
    ).toThrow(/SERVICE_TRUSTED_KEYS.*gateway, reservation/);
  });
});

describe("keys as Terraform makes them", () => {
  test("a PEM signing key and PEM public keys agree on the kid, so the PEM-keyed caller is accepted", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const pair = generateKeyPairSync("ed25519");
    const privatePem = pair.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const publicPem = pair.publicKey.export({ format: "pem", type: "spki" }).toString();
    const signer = new ServiceCredentials("gateway", parseSigningKey(privatePem));
    const verifier = new CredentialVerifier({
      audience: "inventory",
      callers: ["gateway"],
      trusted: parseTrustedKeys(JSON.stringify({ gateway: [publicPem] })),
    });
    expect(await verifier.verify(`Bearer ${await signer.token("inventory", "alice")}`)).toEqual({
      service: "gateway",
      user: "alice",
    });
  });
});
