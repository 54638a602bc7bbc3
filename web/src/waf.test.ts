import { afterEach, describe, expect, test } from "bun:test";
import { ApiError, apiFetch, EDGE_CHALLENGE, setApiTransport } from "./api.ts";
import { describeError } from "./error-messages.ts";
import {
  isEdgeChallenge,
  loadWafIntegration,
  type Send,
  sendThroughEdge,
  type WafIntegration,
} from "./waf.ts";

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
/** What AWS WAF answers an API call (Accept: application/json) that a Challenge rule stops. */
const challenge = () => new Response(null, { status: 202, headers: { "x-amzn-waf-action": "challenge" } });

/**
 * A stand-in for `window.AwsWafIntegration` in front of a gateway: without a solved token the
 * edge answers the challenge; `getToken` solves it (unless told it cannot).
 */
function fakeEdge(options: { solvable?: boolean; hideHeader?: boolean } = {}) {
  let token: string | undefined;
  const seen: { url: string; token: string | undefined }[] = [];
  const integration: WafIntegration = {
    fetch: async (url) => {
      seen.push({ url, token });
      if (token) return json(202, { waiting_token: "w1", position_hint: 1 });
      return options.hideHeader ? new Response("", { status: 202 }) : challenge();
    },
    getToken: async () => {
      if (options.solvable === false) throw new Error("token acquisition timed out");
      token = "solved";
      return token;
    },
  };
  return { integration, seen };
}

const plainNever: Send = () => Promise.reject(new Error("plain fetch must not be used"));

afterEach(() => setApiTransport((input, init) => fetch(input, init)));

describe("API calls through AWS WAF's integration", () => {
  test("a challenged join is solved and sent again, and the buyer gets a place", async () => {
    const edge = fakeEdge();
    setApiTransport(sendThroughEdge(Promise.resolve(edge.integration), plainNever));
    const answer = await apiFetch<{ waiting_token: string }>("/api/v1/queue/join", {
      method: "POST",
      json: { event_id: "e1" },
    });
    expect(answer.waiting_token).toBe("w1");
    expect(edge.seen).toEqual([
      { url: "/api/v1/queue/join", token: undefined },
      { url: "/api/v1/queue/join", token: "solved" },
    ]);
  });

  test("the challenge is known by its status and a non-JSON body when the header is hidden", async () => {
    const edge = fakeEdge({ hideHeader: true });
    setApiTransport(sendThroughEdge(Promise.resolve(edge.integration), plainNever));
    await apiFetch("/api/v1/queue/join", { method: "POST", json: { event_id: "e1" } });
    expect(edge.seen).toHaveLength(2);
    // The gateway's own 202 (a join's answer, JSON) is never taken for a challenge.
    expect(isEdgeChallenge(json(202, { waiting_token: "w" }))).toBe(false);
    expect(isEdgeChallenge(new Response("", { status: 405 }))).toBe(true);
  });

  test("a challenge the page cannot pass is an error the buyer can act on, not an empty answer", async () => {
    const edge = fakeEdge({ solvable: false });
    setApiTransport(sendThroughEdge(Promise.resolve(edge.integration), plainNever));
    const failure = await apiFetch("/api/v1/queue/join", { method: "POST", json: {} }).catch((e) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe(EDGE_CHALLENGE);
    expect(describeError(failure)).toContain("reload the page");
    expect(edge.seen).toHaveLength(1);
  });

  test("without the script (a local build) calls go out as plain fetch, and nothing is loaded", async () => {
    const added: string[] = [];
    const host = {
      addScript: async (url: string) => void added.push(url),
      integration: () => undefined,
    };
    const waf = loadWafIntegration(undefined, host);
    expect(await waf).toBeUndefined();
    expect(added).toEqual([]);
    const calls: string[] = [];
    setApiTransport(
      sendThroughEdge(waf, async (url) => {
        calls.push(url);
        return json(200, { events: [] });
      }),
    );
    expect(await apiFetch("/api/v1/events")).toEqual({ events: [] });
    expect(calls).toEqual(["/api/v1/events"]);
  });

  test("the script named at build time is loaded once and its integration used", async () => {
    const edge = fakeEdge();
    const added: string[] = [];
    const url = "https://abc.us-east-1.sdk.awswaf.com/abc/def/challenge.js";
    const waf = loadWafIntegration(url, {
      addScript: async (u) => void added.push(u),
      integration: () => edge.integration,
    });
    expect(await waf).toBe(edge.integration);
    expect(added).toEqual([url]);
    // A script that fails to load leaves the page working on plain fetch.
    const broken = loadWafIntegration(url, {
      addScript: () => Promise.reject(new Error("blocked")),
      integration: () => edge.integration,
    });
    expect(await broken).toBeUndefined();
  });
});
