// The drop against a staging stage (#19 item 6): its buyers sign in with the JWTs `mint-jwts`
// wrote, named by their sub, and never send the bypass token. A stand-in gateway records what
// each request carried.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BuyerClient } from "../drop/client.ts";
import { DropStats } from "../drop/stats.ts";
import { jwtOrFile, mintJwt, newIdentity, readJwts, subjectOf } from "../lib/load-test-identity.ts";

const seen: Array<{ authorization: string | null; userId: string | null }> = [];
const gateway = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(req) {
    seen.push({ authorization: req.headers.get("authorization"), userId: req.headers.get("x-user-id") });
    return Response.json({ waiting_token: "t", status: "waiting" }, { status: 202 });
  },
});
afterAll(() => gateway.stop(true));

describe("load-test JWTs", () => {
  const id = newIdentity("loadtest-bench");
  const claims = (sub: string) => ({ sub, iss: "i", aud: "a", ttlSec: 60 });

  test("are read one per line, and name their buyer by sub", () => {
    const file = join(mkdtempSync(join(tmpdir(), "tt-jwts-")), "buyers.jwt");
    const tokens = ["buyer-00000", "buyer-00001"].map((sub) => mintJwt(id, claims(sub)));
    writeFileSync(file, `${tokens.join("\n")}\n\n`);
    expect(readJwts(file)).toEqual(tokens);
    expect(readJwts(file).map(subjectOf)).toEqual(["buyer-00000", "buyer-00001"]);
    expect(jwtOrFile(file)).toBe(tokens[0] as string);
    expect(jwtOrFile(tokens[1] as string)).toBe(tokens[1] as string);
  });

  test("a buyer given one sends it as its bearer token, and no bypass token or X-User-Id", async () => {
    const jwt = mintJwt(id, claims("buyer-00007"));
    const client = new BuyerClient(
      `http://127.0.0.1:${gateway.port}`,
      subjectOf(jwt),
      new DropStats(),
      5000,
      jwt,
    );
    const reply = await client.call("join", "POST", "/api/v1/queue/join", { event_id: "evt" });
    expect(reply.status).toBe(202);
    expect(seen.at(-1)).toEqual({ authorization: `Bearer ${jwt}`, userId: null });
    // Without one, the local stack's bypass token names the buyer.
    await new BuyerClient(`http://127.0.0.1:${gateway.port}`, "buyer-1", new DropStats(), 5000).call(
      "join",
      "POST",
      "/api/v1/queue/join",
      { event_id: "evt" },
    );
    expect(seen.at(-1)).toEqual({ authorization: "Bearer load-test-bypass-token", userId: "buyer-1" });
  });
});
