/**
 * REST targets: every route a service's OpenAPI document lists (plus the gateway's signed webhook,
 * a native route the document leaves out), and generated requests for each — path, query,
 * headers and body, mostly plausible, often hostile.
 */
import fc from "fast-check";
import { fieldGenerators, REST_BODY_FIELDS } from "./fields.ts";
import type { FuzzFixtures } from "./stack.ts";
import { anyJson, anyString, type FuzzJson, jsonText, objectOf, wellFormed } from "./values.ts";

/** One route of one service. */
export interface RestRoute {
  service: string;
  base: string;
  method: string;
  /** As OpenAPI writes it: `/api/v1/events/{id}`. */
  path: string;
  query: string[];
  headers: string[];
  hasBody: boolean;
}

/** Stands for the developer's service credential in a generated request (see targets.ts). */
export const DEV_CREDENTIAL = "@dev-credential";

/** One generated request. */
export interface FuzzRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

interface OpenApiOperation {
  parameters?: { name: string; in: string }[];
  requestBody?: unknown;
}

// Not JSON APIs (Prometheus text, the docs page and its assets): not fuzzed.
const SKIP = new Set(["/metrics", "/swagger", "/swagger/json", "/swagger/assets/{file}"]);

/** Reads every route a running service documents (its `/swagger/json`). */
export async function restRoutes(service: string, base: string): Promise<RestRoute[]> {
  const doc = (await (await fetch(`${base}/swagger/json`)).json()) as {
    paths: Record<string, Record<string, OpenApiOperation>>;
  };
  const routes: RestRoute[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    if (SKIP.has(path)) continue;
    for (const [method, op] of Object.entries(operations)) {
      if (method === "ws") continue; // the live queue's socket has its own attack tests
      const params = op.parameters ?? [];
      routes.push({
        service,
        base,
        method: method.toUpperCase(),
        path,
        query: params.filter((p) => p.in === "query").map((p) => p.name),
        headers: params.filter((p) => p.in === "header").map((p) => p.name.toLowerCase()),
        hasBody: op.requestBody !== undefined,
      });
    }
  }
  if (service === "gateway") {
    routes.push({
      service,
      base,
      method: "POST",
      path: "/api/v1/payments/webhook",
      query: [],
      headers: ["x-webhook-timestamp", "x-webhook-signature"],
      hasBody: true,
    });
  }
  return routes;
}

/** `METHOD path` of a route, as reports and REST_BODY_FIELDS name it. */
export const routeName = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

const CONTENT_TYPES = [
  "application/x-www-form-urlencoded",
  "text/plain",
  "multipart/form-data; boundary=x",
  "application/json; charset=utf-16",
  "application/vnd.api+json",
  "application/proto",
  "",
];

/** Generates requests for one route. */
export function restRequests(route: RestRoute, fx: FuzzFixtures): fc.Arbitrary<FuzzRequest> {
  const fields = fieldGenerators(fx);
  const named = REST_BODY_FIELDS[routeName(route)];
  // A route without a known body still gets bodies: every field the platform knows, in any mix.
  const bodyObject = named
    ? objectOf(Object.fromEntries(named.map((f) => [f, fields[f] ?? anyJson])))
    : objectOf(fields);
  // The id a route is about: the event's on event and admin routes, the hold's on the others.
  const realId = /events/.test(route.path) ? fx.eventId : fx.reservationId;
  const idParam = fc.oneof(
    { weight: 4, arbitrary: fc.constant(realId) },
    { weight: 1, arbitrary: fc.constantFrom(fx.eventId, fx.reservationId, "evt_missing") },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,90}$/) },
    { weight: 1, arbitrary: anyString.filter((s) => s.length > 0) },
  );
  const queryValue = (name: string) =>
    name === "token"
      ? (fields.waiting_token as fc.Arbitrary<FuzzJson>)
      : fc.oneof(fields[name] ?? anyString, anyString);
  const admin = route.path.includes("/admin/");
  // Behind the gateway a service answers callers with a service credential, acting for a buyer.
  const direct = route.service !== "gateway";
  const credential = { authorization: DEV_CREDENTIAL, "x-user-id": fx.userId };
  const auth = fc.oneof(
    { weight: direct ? 10 : 1, arbitrary: fc.constant<Record<string, string>>(direct ? credential : {}) },
    {
      weight: admin ? 1 : 5,
      arbitrary: fc.constant({ authorization: "Bearer load-test-bypass-token", "x-user-id": fx.userId }),
    },
    {
      weight: admin ? 5 : 1,
      arbitrary: fc.constant({
        authorization: "Bearer dev-super-key-local-testing",
        "x-user-id": "fuzz-ops",
      }),
    },
    { weight: 1, arbitrary: fc.constant({}) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom("Bearer ", "Basic ", "", "bearer  "), anyString, anyString)
        .map(([scheme, token, user]) => ({ authorization: `${scheme}${token}`, "x-user-id": user })),
    },
  );
  const body: fc.Arbitrary<string | undefined> = fc.oneof(
    { weight: 20, arbitrary: bodyObject.map(jsonText) },
    { weight: 1, arbitrary: anyJson.map(jsonText) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.constantFrom("{", '{"a":', "[1,2", "\u0000", '{"event_id":"x"}}') },
    { weight: 1, arbitrary: fc.constant(`{"pad":"${"z".repeat(17_000)}"}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  return fc
    .record({
      id: idParam,
      query: fc.record(Object.fromEntries(route.query.map((q) => [q, queryValue(q)])), { requiredKeys: [] }),
      extraQuery: fc.option(fc.tuple(anyString, anyString), { freq: 6 }),
      auth,
      idempotencyKey: fc.option(
        fc.oneof({ weight: 5, arbitrary: fc.uuid() }, { weight: 1, arbitrary: anyString }),
        {
          freq: 6,
        },
      ),
      contentType: fc.oneof(
        { weight: 16, arbitrary: fc.constant("application/json") },
        { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
      ),
      body: route.hasBody || route.method !== "GET" ? body : fc.constant(undefined),
      webhook: fc.record({
        timestamp: fc.oneof(fc.constant(String(Math.floor(Date.now() / 1000))), anyString),
        signature: anyString,
      }),
    })
    .map((g): FuzzRequest => {
      const path = route.path.replace("{id}", encodeURIComponent(wellFormed(g.id)));
      const search = new URLSearchParams();
      for (const [k, v] of Object.entries(g.query))
        search.set(k, typeof v === "string" ? v : jsonText(v as FuzzJson));
      if (g.extraQuery) search.set(g.extraQuery[0], g.extraQuery[1]);
      const headers: Record<string, string> = { ...g.auth };
      if (g.idempotencyKey !== null) headers["idempotency-key"] = g.idempotencyKey;
      if (route.headers.includes("x-webhook-signature")) {
        headers["x-webhook-timestamp"] = g.webhook.timestamp;
        headers["x-webhook-signature"] = g.webhook.signature;
      }
      const send = g.body !== undefined && route.method !== "GET";
      if (send && g.contentType) headers["content-type"] = g.contentType;
      const qs = search.toString();
      return {
        url: `${route.base}${path}${qs ? `?${qs}` : ""}`,
        method: route.method,
        headers: sanitizeHeaders(headers),
        ...(send ? { body: g.body } : {}),
      };
    });
}

/** Headers fetch can send: a value with a control character or a non-Latin-1 one is percent-encoded. */
function sanitizeHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [
      k,
      /^[\t\x20-\x7e\x80-\xff]*$/.test(v) ? v.trim() : encodeURIComponent(wellFormed(v)),
    ]),
  );
}
