import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestRedis, type TestRedis } from "@tt/kit/testing";
import Redis from "ioredis";
import { type EdgeGateway, startEdgeGateway } from "./edge-support.ts";
import { as, clientCommands } from "./support.ts";

let server: TestRedis;
let gw: EdgeGateway;
let probe: Redis;

beforeAll(async () => {
  server = await startTestRedis();
  probe = new Redis(server.url);
  gw = await startEdgeGateway(
    server.url,
    { QUEUE_TICKER_ENABLED: "false", RATE_LIMIT_PER_SEC: "1", RATE_LIMIT_BURST: "5" },
    undefined,
    undefined,
    { exists: async () => true },
  );
});
afterAll(async () => {
  await gw.stop();
  probe.disconnect();
  await server.stop();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}/api/v1/queue${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("the queue's hot routes", () => {
  test("join, status and enter each run exactly one Redis command (rate limit included)", async () => {
    const eventId = `evt_hot_${Date.now()}`;
    // Warm up: scripts loaded, the event known to this process, the signed-in user verified.
    const warm = (await (await post("/join", { event_id: eventId }, as("warm"))).json()) as {
      waiting_token: string;
    };
    await fetch(`${gw.url}/api/v1/queue/status?token=${encodeURIComponent(warm.waiting_token)}`);

    let waitingToken = "";
    const onJoin = await clientCommands(probe, async () => {
      const joined = await post("/join", { event_id: eventId }, as("alice"));
      expect(joined.status).toBe(202);
      waitingToken = ((await joined.json()) as { waiting_token: string }).waiting_token;
    });
    expect(onJoin).toEqual([expect.stringMatching(/^eval(sha)?$/)]);

    const onStatus = await clientCommands(probe, async () => {
      const res = await fetch(`${gw.url}/api/v1/queue/status?token=${encodeURIComponent(waitingToken)}`);
      expect(res.status).toBe(200);
    });
    expect(onStatus).toEqual([expect.stringMatching(/^eval(sha)?$/)]);

    const onEnter = await clientCommands(probe, async () => {
      expect((await post("/enter", { waiting_token: waitingToken }, as("alice"))).status).toBe(403);
    });
    expect(onEnter).toEqual([expect.stringMatching(/^eval(sha)?$/)]);
  });

  test("past the burst, status answers 429 with Retry-After and X-RateLimit-* headers", async () => {
    const eventId = `evt_rl_${Date.now()}`;
    const { waiting_token } = (await (await post("/join", { event_id: eventId })).json()) as {
      waiting_token: string;
    };
    const url = `${gw.url}/api/v1/queue/status?token=${encodeURIComponent(waiting_token)}`;
    // The join took one of the five tokens of this client's bucket for the event.
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await fetch(url));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 429]);
    expect(answers[0]?.headers.get("x-ratelimit-limit")).toBe("5");
    expect(answers[0]?.headers.get("x-ratelimit-remaining")).toBe("3");
    expect(answers[3]?.headers.get("x-ratelimit-remaining")).toBe("0");
    const refused = answers[4] as Response;
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("RATE_LIMITED");
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/ratelimit_dropped_total\{scope="ip"[^}]*\} [1-9]/);
  });
});
