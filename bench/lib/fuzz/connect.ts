/**
 * Connect targets: every unary procedure of every service, read from the contracts' descriptors,
 * and generated calls for each in the Connect protocol (JSON mostly, binary sometimes) — fields
 * of the right kind at their edges, of the wrong kind, unknown ones, and hostile headers.
 */
import { type DescField, type DescMessage, type DescService, ScalarType } from "@bufbuild/protobuf";
import { health, inventory, payment, reservation } from "@tt/contracts";
import fc from "fast-check";
import { fieldGenerators } from "./fields.ts";
import { DEV_CREDENTIAL, type FuzzRequest } from "./rest.ts";
import type { FuzzFixtures } from "./stack.ts";
import {
  anyJson,
  anyNumber,
  anyString,
  EDGE_NUMBERS,
  type FuzzJson,
  jsonText,
  objectOf,
  RawNumber,
  wellFormed,
} from "./values.ts";

/** One procedure served by one service. */
export interface ConnectProcedure {
  service: string;
  base: string;
  /** `/package.Service/Method`. */
  path: string;
  input: DescMessage;
}

/** Where each Connect service is served (health is served by every process). */
const SERVED: Record<string, DescService[]> = {
  inventory: [inventory.InventoryService, health.Health],
  reservation: [reservation.ReservationService, health.Health],
  payment: [payment.PaymentService, health.Health],
  gateway: [health.Health],
  worker: [health.Health],
};

/** Every unary procedure of the services at `bases` (streaming ones cannot be called over Connect unary). */
export function connectProcedures(bases: Record<string, string>): ConnectProcedure[] {
  return Object.entries(bases).flatMap(([service, base]) =>
    (SERVED[service] ?? []).flatMap((desc) =>
      desc.methods
        .filter((m) => m.methodKind === "unary")
        .map((m) => ({ service, base, path: `/${desc.typeName}/${m.name}`, input: m.input })),
    ),
  );
}

const INT32 = new Set([
  ScalarType.INT32,
  ScalarType.SINT32,
  ScalarType.SFIXED32,
  ScalarType.UINT32,
  ScalarType.FIXED32,
]);
const INT64 = new Set([
  ScalarType.INT64,
  ScalarType.SINT64,
  ScalarType.SFIXED64,
  ScalarType.UINT64,
  ScalarType.FIXED64,
]);

function scalarValue(
  type: ScalarType,
  plausible: fc.Arbitrary<FuzzJson> | undefined,
): fc.Arbitrary<FuzzJson> {
  if (type === ScalarType.STRING) return plausible ?? anyString;
  if (type === ScalarType.BOOL)
    return fc.oneof(fc.boolean(), fc.constantFrom<FuzzJson>("true", new RawNumber("1")));
  if (type === ScalarType.BYTES) return fc.oneof(fc.base64String({ maxLength: 40 }), anyString);
  if (INT32.has(type) || INT64.has(type)) {
    // Proto JSON takes integers as numbers or decimal strings; int64 usually as strings.
    const asString = fc.constantFrom(...EDGE_NUMBERS).map((t): FuzzJson => t);
    return fc.oneof(plausible ?? anyNumber, anyNumber, asString);
  }
  return fc.oneof(anyNumber, fc.constantFrom<FuzzJson>("NaN", "Infinity", "-Infinity", "1e999"));
}

function messageValue(msg: DescMessage, fx: FuzzFixtures, depth: number): fc.Arbitrary<FuzzJson> {
  if (msg.typeName === "google.protobuf.Timestamp") {
    return fc.oneof(
      fc
        .date({ min: new Date("0001-01-01"), max: new Date("9999-12-31"), noInvalidDate: true })
        .map((d) => d.toISOString()),
      fc.constantFrom<FuzzJson>(
        "10000-01-01T00:00:00Z",
        "1970-01-01T00:00:00.1234567891Z",
        "2030-13-01T00:00:00Z",
        "now",
      ),
    );
  }
  if (depth > 2) return anyJson;
  const named = fieldGenerators(fx);
  return objectOf(Object.fromEntries(msg.fields.map((f) => [f.jsonName, fieldOf(f, named, fx, depth)])));
}

function fieldOf(
  f: DescField,
  named: Record<string, fc.Arbitrary<FuzzJson>>,
  fx: FuzzFixtures,
  depth: number,
): fc.Arbitrary<FuzzJson> {
  const plausible = named[f.jsonName];
  switch (f.fieldKind) {
    case "scalar":
      return scalarValue(f.scalar, plausible);
    case "enum":
      return fc.oneof(
        fc.constantFrom<FuzzJson>(...f.enum.values.map((v) => v.name)),
        fc.constantFrom<FuzzJson>(...f.enum.values.map((v) => new RawNumber(String(v.number)))),
        anyNumber,
        anyString,
      );
    case "message":
      return messageValue(f.message, fx, depth + 1);
    case "list": {
      const item =
        f.listKind === "scalar"
          ? scalarValue(f.scalar, undefined)
          : f.listKind === "enum"
            ? anyString
            : messageValue(f.message, fx, depth + 1);
      return plausible ?? fc.array(item, { maxLength: 4 });
    }
    case "map":
      return fc.dictionary(anyString, anyJson, { maxKeys: 3 });
  }
}

/** Generates calls of one procedure. */
export function connectRequests(proc: ConnectProcedure, fx: FuzzFixtures): fc.Arbitrary<FuzzRequest> {
  const json = fc.oneof(
    { weight: 12, arbitrary: messageValue(proc.input, fx, 0).map(jsonText) },
    { weight: 1, arbitrary: anyJson.map(jsonText) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("", "{", "null", "[]", '{"a":1}}', `{"pad":"${"z".repeat(20_000)}"}`),
    },
  );
  // Each hostile header now and then: most calls should reach the procedure itself.
  const rarely = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { freq: 6, nil: undefined });
  const headers = fc.record({
    "connect-protocol-version": rarely(fc.constantFrom("1", "2", "")),
    // Never a small deadline: a call that asks for 1 ms is rightly answered deadline_exceeded.
    "connect-timeout-ms": rarely(
      fc.constantFrom("5000", "-1", "abc", "1.5", "99999999999", "9999999999999999999"),
    ),
    "x-user-id": rarely(anyString),
    // Mostly the developer's service credential (targets.ts), else none or garbage.
    authorization: fc.oneof(
      { weight: 6, arbitrary: fc.constant<string | undefined>(DEV_CREDENTIAL) },
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: anyString.map((t): string | undefined => `Bearer ${t}`) },
    ),
  });
  return fc
    .record({
      binary: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
      json,
      bytes: fc.uint8Array({ maxLength: 64 }),
      headers,
    })
    .map(({ binary, json: text, bytes, headers: h }): FuzzRequest => {
      const clean = Object.fromEntries(
        (Object.entries(h).filter(([, v]) => v !== undefined) as [string, string][]).map(([k, v]) => [
          k,
          /^[\x20-\x7e]*$/.test(v) ? v.trim() : encodeURIComponent(wellFormed(v)),
        ]),
      );
      return {
        url: `${proc.base}${proc.path}`,
        method: "POST",
        headers: { ...clean, "content-type": binary ? "application/proto" : "application/json" },
        body: binary ? bytes : text,
      };
    });
}
