import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { create, createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import {
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  timestampFromMs,
} from "@bufbuild/protobuf/wkt";
import { Code, type ConnectRouter, createClient, createRouterTransport } from "@connectrpc/connect";
import { inventory, reflection, reflectionV1alpha } from "@tt/contracts";
import { healthService } from "../../src/connect/health.ts";
import { answer, SchemaIndex, serverReflection } from "../../src/connect/reflection.ts";
import { devAuthorization } from "../../src/identity/dev-key.ts";
import { createService } from "../../src/service.ts";
import { freePort, testConfig } from "../../src/testing.ts";

const inventoryRoutes = (router: ConnectRouter) =>
  router.service(inventory.InventoryService, {
    getInventoryStatus: (req) =>
      create(inventory.GetInventoryStatusResponseSchema, {
        eventId: req.eventId,
        sections: [{ sectionId: "A", available: 3 }],
        asOf: timestampFromMs(Date.UTC(2025, 9, 1)),
      }),
  });

const allServices = [
  "grpc.health.v1.Health",
  "grpc.reflection.v1.ServerReflection",
  "grpc.reflection.v1alpha.ServerReflection",
  "inventory.v1.InventoryService",
];

describe("server reflection (in memory)", () => {
  const transport = createRouterTransport((router) => {
    healthService([], () => false)(router);
    inventoryRoutes(router);
    serverReflection(router);
  });
  const client = createClient(reflection.ServerReflection, transport);

  /** Sends the requests on one stream and collects the answers. */
  async function ask(...requests: reflection.ServerReflectionRequest["messageRequest"][]) {
    async function* stream() {
      for (const messageRequest of requests) yield { host: "localhost", messageRequest };
    }
    const answers: reflection.ServerReflectionResponse[] = [];
    for await (const answer of client.serverReflectionInfo(stream())) answers.push(answer);
    return answers;
  }
  const fileNames = (answer: reflection.ServerReflectionResponse) =>
    answer.messageResponse.case === "fileDescriptorResponse"
      ? answer.messageResponse.value.fileDescriptorProto.map(
          (b) => fromBinary(FileDescriptorProtoSchema, b).name,
        )
      : [];

  test("lists every service on the router, reflection and health included", async () => {
    const [answer] = await ask({ case: "listServices", value: "" });
    expect(answer?.messageResponse.case).toBe("listServicesResponse");
    const names =
      answer?.messageResponse.case === "listServicesResponse"
        ? answer.messageResponse.value.service.map((s) => s.name)
        : [];
    expect(names).toEqual(allServices);
    expect(answer?.validHost).toBe("localhost");
    expect(answer?.originalRequest?.messageRequest.case).toBe("listServices");
  });

  test("a symbol's file comes with its imports, which a client can build a registry from", async () => {
    const [answer] = await ask({ case: "fileContainingSymbol", value: "inventory.v1.InventoryService" });
    expect(fileNames(answer as reflection.ServerReflectionResponse)).toEqual([
      "inventory/v1/inventory.proto",
      "google/protobuf/timestamp.proto",
    ]);
    const protos =
      answer?.messageResponse.case === "fileDescriptorResponse"
        ? answer.messageResponse.value.fileDescriptorProto.map((b) =>
            fromBinary(FileDescriptorProtoSchema, b),
          )
        : [];
    // The requested file comes first; a registry wants imports before their importers.
    const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: protos.reverse() }));
    const service = registry.getService("inventory.v1.InventoryService");
    expect(service?.methods.map((m) => m.name)).toContain("GetInventoryStatus");
    expect(
      registry.getMessage("inventory.v1.GetInventoryStatusResponse")?.field.asOf?.message?.typeName,
    ).toBe("google.protobuf.Timestamp");
  });

  test("resolves methods, messages, fields and enum values; a stream sends each import once", async () => {
    const answers = await ask(
      { case: "fileContainingSymbol", value: "inventory.v1.InventoryService.GetInventoryStatus" },
      { case: "fileContainingSymbol", value: "inventory.v1.GetInventoryStatusRequest.event_id" },
      { case: "fileByFilename", value: "grpc/health/v1/health.proto" },
      { case: "fileContainingSymbol", value: "grpc.health.v1.HealthCheckResponse.SERVING" },
      { case: "fileByFilename", value: "google/protobuf/timestamp.proto" },
    );
    expect(answers.map(fileNames)).toEqual([
      ["inventory/v1/inventory.proto", "google/protobuf/timestamp.proto"],
      ["inventory/v1/inventory.proto"],
      ["grpc/health/v1/health.proto"],
      ["grpc/health/v1/health.proto"],
      ["google/protobuf/timestamp.proto"],
    ]);
  });

  test("unknown symbols, files and extensions get a NOT_FOUND error response", async () => {
    const answers = await ask(
      { case: "fileContainingSymbol", value: "nope.v1.Nothing" },
      { case: "fileByFilename", value: "nope.proto" },
      {
        case: "fileContainingExtension",
        value: create(reflection.ExtensionRequestSchema, {
          containingType: "inventory.v1.GetInventoryStatusRequest",
          extensionNumber: 100,
        }),
      },
      { case: "allExtensionNumbersOfType", value: "nope.v1.Nothing" },
    );
    for (const answer of answers) {
      expect(answer.messageResponse.case).toBe("errorResponse");
      if (answer.messageResponse.case === "errorResponse") {
        expect(answer.messageResponse.value.errorCode).toBe(Code.NotFound);
      }
    }
    expect(answers[0]?.originalRequest?.messageRequest).toEqual({
      case: "fileContainingSymbol",
      value: "nope.v1.Nothing",
    });
  });

  test("a known message without extensions has an empty extension list", async () => {
    const [answer] = await ask({
      case: "allExtensionNumbersOfType",
      value: "inventory.v1.GetInventoryStatusRequest",
    });
    expect(answer?.messageResponse).toMatchObject({
      case: "allExtensionNumbersResponse",
      value: { baseTypeName: "inventory.v1.GetInventoryStatusRequest", extensionNumber: [] },
    });
  });

  test("answers the v1alpha protocol the same way", async () => {
    const alpha = createClient(reflectionV1alpha.ServerReflection, transport);
    async function* stream() {
      yield { messageRequest: { case: "listServices" as const, value: "" } };
    }
    const answers = [];
    for await (const answer of alpha.serverReflectionInfo(stream())) answers.push(answer);
    expect(answers).toHaveLength(1);
    expect(answers[0]?.$typeName).toBe("grpc.reflection.v1alpha.ServerReflectionResponse");
    expect(answers[0]?.messageResponse.case).toBe("listServicesResponse");
  });
});

// None of our contracts declares an extension, so a small proto2 file is built by hand.
describe("server reflection of extensions", () => {
  const file = createFileRegistry(
    create(FileDescriptorProtoSchema, {
      name: "ext/v1/ext.proto",
      package: "ext.v1",
      syntax: "proto2",
      messageType: [{ name: "Base", extensionRange: [{ start: 100, end: 200 }] }],
      extension: [
        { name: "tag", number: 150, extendee: ".ext.v1.Base", type: Type.INT32, label: Label.OPTIONAL },
        { name: "note", number: 101, extendee: ".ext.v1.Base", type: Type.STRING, label: Label.OPTIONAL },
      ],
      service: [
        {
          name: "ExtService",
          method: [{ name: "Echo", inputType: ".ext.v1.Base", outputType: ".ext.v1.Base" }],
        },
      ],
    }),
    () => undefined,
  ).getFile("ext/v1/ext.proto");
  const index = new SchemaIndex(file?.services ?? []);
  const ask = (messageRequest: Parameters<typeof answer>[1]["messageRequest"]) =>
    answer(index, { host: "", messageRequest }, new Set()).messageResponse;

  test("lists a message's extension numbers, in order", () => {
    expect(ask({ case: "allExtensionNumbersOfType", value: "ext.v1.Base" })).toEqual({
      case: "allExtensionNumbersResponse",
      value: { baseTypeName: "ext.v1.Base", extensionNumber: [101, 150] },
    });
  });

  test("finds the file declaring an extension, by number or by name", () => {
    for (const res of [
      ask({
        case: "fileContainingExtension",
        value: { containingType: "ext.v1.Base", extensionNumber: 150 },
      }),
      ask({ case: "fileContainingSymbol", value: "ext.v1.tag" }),
    ]) {
      expect(res.case).toBe("fileDescriptorResponse");
      if (res.case === "fileDescriptorResponse") {
        expect(
          res.value.fileDescriptorProto.map((b) => fromBinary(FileDescriptorProtoSchema, b).name),
        ).toEqual(["ext/v1/ext.proto"]);
      }
    }
    expect(
      ask({
        case: "fileContainingExtension",
        value: { containingType: "ext.v1.Base", extensionNumber: 199 },
      }),
    ).toMatchObject({ case: "errorResponse", value: { errorCode: Code.NotFound } });
  });
});

// `buf curl` against a real service's gRPC listener, with no --schema: it must learn the
// schema from the server.
describe("buf curl over native gRPC without a local schema", () => {
  const rpcPort = freePort();
  const service = createService({
    name: "reflection-test",
    description: "server reflection test",
    config: testConfig({ RPC_PORT: String(rpcPort) }),
  });
  service.serveRpc(inventoryRoutes);
  const buf = join(import.meta.dir, "../../../contracts/node_modules/.bin/buf");
  const url = `http://127.0.0.1:${rpcPort}`;

  beforeAll(async () => {
    await service.start({ handleSignals: false });
  });
  afterAll(async () => {
    await service.stop();
  });

  async function bufCurl(...args: string[]) {
    const proc = Bun.spawn([buf, "curl", "--http2-prior-knowledge", "--protocol", "grpc", ...args], {
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    if (code !== 0) throw new Error(`buf curl exited ${code}: ${stderr}`);
    return stdout;
  }

  test.each(["grpc-v1", "grpc-v1alpha"])("--list-methods finds every service (%s)", async (protocol) => {
    const methods = (await bufCurl("--reflect-protocol", protocol, "--list-methods", url)).trim().split("\n");
    expect(methods).toContain("inventory.v1.InventoryService/GetInventoryStatus");
    expect(methods).toContain("inventory.v1.InventoryService/ListEvents");
    expect(methods).toContain("grpc.health.v1.Health/Check");
    expect(methods).toContain("grpc.reflection.v1.ServerReflection/ServerReflectionInfo");
    expect(methods).toContain("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo");
  });

  test("calls a procedure with JSON, encoded from the reflected schema", async () => {
    const out = await bufCurl(
      "-H",
      `authorization: ${await devAuthorization("reflection-test")}`,
      "-d",
      '{"event_id": "evt_1"}',
      `${url}/inventory.v1.InventoryService/GetInventoryStatus`,
    );
    expect(JSON.parse(out)).toEqual({
      eventId: "evt_1",
      sections: [{ sectionId: "A", available: 3 }],
      asOf: "2025-10-01T00:00:00Z",
    });
  });

  test("a procedure called without a credential is refused, while reflection and health stay open", async () => {
    const refused = await bufCurl(
      "-d",
      '{"event_id": "evt_1"}',
      `${url}/inventory.v1.InventoryService/GetInventoryStatus`,
    ).catch((e: Error) => e.message);
    expect(refused).toContain("unauthenticated");
  });

  test("calls the health check", async () => {
    expect(JSON.parse(await bufCurl("-d", "{}", `${url}/grpc.health.v1.Health/Check`))).toEqual({
      status: "SERVING",
    });
  });
});
