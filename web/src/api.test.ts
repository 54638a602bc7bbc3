import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ApiError, apiFetch, NETWORK_UNREACHABLE } from "./api.ts";
import {
  describeError,
  friendlyMessage,
  GENERIC_MESSAGE,
  retryHint,
  SERVICE_UNAVAILABLE_MESSAGE,
} from "./error-messages.ts";

// A real HTTP server standing in for the gateway, so apiFetch is exercised over the wire.
let server: ReturnType<typeof Bun.serve>;
let baseUrl: string;

beforeAll(() => {
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const { pathname } = new URL(req.url);
      switch (pathname) {
        case "/api/v1/events":
          return Response.json({ events: [{ event_id: "e1", name: "Taco Fest" }] });
        case "/api/v1/echo":
          return Response.json({ method: req.method, body: await req.json() });
        case "/api/v1/reservations":
          return Response.json(
            { error: { code: "SEAT_UNAVAILABLE", message: "seat A-1 is held", trace_id: "trace-123" } },
            { status: 409 },
          );
        case "/api/v1/limited":
          return Response.json(
            { error: { code: "RATE_LIMITED", message: "slow down", trace_id: "t-429" } },
            { status: 429, headers: { "Retry-After": "2" } },
          );
        case "/api/v1/queue/join":
          return Response.json(
            {
              error: {
                code: "CHALLENGE_REQUIRED",
                message: "solve",
                details: { challenge: "c.12", difficulty: "12" },
              },
            },
            { status: 428 },
          );
        case "/api/v1/proxy-down":
          return new Response("Bad Gateway", { status: 502 });
        case "/api/v1/garbled":
          return new Response("<html>not json</html>", { status: 200 });
        case "/api/v1/slow":
          await Bun.sleep(500);
          return Response.json({});
        default:
          return Response.json({ error: { code: "NOT_FOUND", message: "no route" } }, { status: 404 });
      }
    },
  });
  baseUrl = `http://127.0.0.1:${server.port}`;
});

afterAll(() => server.stop(true));

/** Runs a call that must fail and returns the ApiError it threw. */
async function failure(call: Promise<unknown>): Promise<ApiError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error("expected the call to fail");
}

describe("apiFetch", () => {
  test("returns the parsed body of a successful response", async () => {
    const body = await apiFetch<{ events: unknown[] }>("/api/v1/events", { baseUrl });
    expect(body.events).toHaveLength(1);
  });

  test("sends a JSON body", async () => {
    const body = await apiFetch<{ method: string; body: unknown }>("/api/v1/echo", {
      baseUrl,
      method: "POST",
      json: { seat_ids: ["A-1"] },
    });
    expect(body).toEqual({ method: "POST", body: { seat_ids: ["A-1"] } });
  });

  test("turns the standard error body into an ApiError with code, message, status and trace id", async () => {
    const error = await failure(apiFetch("/api/v1/reservations", { baseUrl, method: "POST", json: {} }));
    expect(error.code).toBe("SEAT_UNAVAILABLE");
    expect(error.message).toBe("seat A-1 is held");
    expect(error.status).toBe(409);
    expect(error.traceId).toBe("trace-123");
  });

  test("keeps Retry-After from a rate-limited answer", async () => {
    const error = await failure(apiFetch("/api/v1/limited", { baseUrl }));
    expect(error.code).toBe("RATE_LIMITED");
    expect(error.retryAfterSec).toBe(2);
    // The notice tells the buyer the wait the platform asked for, whatever the refusal was.
    expect(retryHint(error)).toBe("You can try again in 2 s.");
    expect(
      retryHint(
        new ApiError({ code: "UPSTREAM_UNAVAILABLE", message: "down", status: 503, retryAfterSec: 5 }),
      ),
    ).toBe("You can try again in 5 s.");
    expect(
      retryHint(new ApiError({ code: "SEAT_UNAVAILABLE", message: "held", status: 409 })),
    ).toBeUndefined();
  });

  test("keeps the error body's details, such as the fresh challenge of a 428", async () => {
    const error = await failure(apiFetch("/api/v1/queue/join", { baseUrl, method: "POST", json: {} }));
    expect(error.code).toBe("CHALLENGE_REQUIRED");
    expect(error.details).toEqual({ challenge: "c.12", difficulty: "12" });
  });

  test("treats a non-JSON 5xx (the dev proxy with the gateway down) as unavailable", async () => {
    const error = await failure(apiFetch("/api/v1/proxy-down", { baseUrl }));
    expect(error.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(error.status).toBe(502);
  });

  test("rejects a 2xx body that is not JSON", async () => {
    const error = await failure(apiFetch("/api/v1/garbled", { baseUrl }));
    expect(error.code).toBe("BAD_RESPONSE");
  });

  test("reports an unreachable gateway with status 0", async () => {
    // Stop a throwaway server so its port is known to refuse connections.
    const gone = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
    const url = `http://127.0.0.1:${gone.port}`;
    gone.stop(true);
    const error = await failure(apiFetch("/api/v1/events", { baseUrl: url }));
    expect(error.code).toBe(NETWORK_UNREACHABLE);
    expect(error.status).toBe(0);
    expect(describeError(error)).toBe(SERVICE_UNAVAILABLE_MESSAGE);
  });

  test("gives up on a gateway that does not answer in time", async () => {
    const error = await failure(apiFetch("/api/v1/slow", { baseUrl, timeoutMs: 50 }));
    expect(error.code).toBe("UPSTREAM_TIMEOUT");
  });

  test("lets a caller's own abort through untouched", async () => {
    const controller = new AbortController();
    const call = apiFetch("/api/v1/slow", { baseUrl, signal: controller.signal });
    controller.abort();
    const thrown = await call.catch((error: unknown) => error);
    expect(thrown).not.toBeInstanceOf(ApiError);
  });
});

describe("friendlyMessage", () => {
  test.each([
    ["SEAT_UNAVAILABLE", /seats was just taken/],
    ["SOLD_OUT", /sold out/],
    ["RESERVATION_EXPIRED", /hold has expired/],
    ["QUEUE_PLACE_LOST", /join the queue again/],
    ["PAYMENT_NOT_APPROVED", /payment hasn't been approved/],
    ["RATE_LIMITED", /wait a few seconds/],
    ["RESERVATION_LIMIT", /already have seats on hold/],
    ["SEAT_LIMIT", /one person may buy/],
    ["QUEUE_CLIENT_LIMIT", /from your connection/],
    ["CHALLENGE_FAILED", /not a bot/],
    ["OVERLOADED", /very busy right now/],
    ["UNAUTHENTICATED", /sign in/],
    ["UPSTREAM_TIMEOUT", /taking too long/],
  ])("explains %s in buyer terms", (code, expected) => {
    expect(friendlyMessage(code)).toMatch(expected);
  });

  test("says the service is unavailable when a dependency is down", () => {
    expect(friendlyMessage("UPSTREAM_UNAVAILABLE")).toBe(SERVICE_UNAVAILABLE_MESSAGE);
  });

  test("falls back to a generic sentence for codes it does not know", () => {
    expect(friendlyMessage("SOMETHING_NEW")).toBe(GENERIC_MESSAGE);
  });

  test("never shows the gateway's developer message to buyers", async () => {
    const error = await failure(apiFetch("/api/v1/reservations", { baseUrl, method: "POST", json: {} }));
    expect(describeError(error)).not.toContain("A-1");
  });
});
