import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { freePort, freePortBlock } from "../src/testing.ts";

// Where the kernel takes the source ports of outgoing connections from.
const ephemeralLow = Number(
  readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0],
);

describe("test ports", () => {
  test("are never in the range outgoing connections take their source ports from", () => {
    for (let i = 0; i < 200; i++) expect(freePort()).toBeLessThan(ephemeralLow);
    expect(freePortBlock(14) + 13).toBeLessThan(ephemeralLow);
  });

  test("an outgoing connection's source port cannot be bound, which is why", async () => {
    const server = Bun.listen({ hostname: "127.0.0.1", port: freePort(), socket: { data() {} } });
    const client = connect(server.port, "127.0.0.1");
    await new Promise((resolve) => client.once("connect", resolve));
    const source = client.localPort ?? 0;
    expect(source).toBeGreaterThanOrEqual(ephemeralLow);
    expect(() => Bun.serve({ hostname: "127.0.0.1", port: source, fetch: () => new Response() })).toThrow();
    client.destroy();
    server.stop(true);
  });

  test("are not handed out twice by one process, even before anything binds them", () => {
    const ports = Array.from({ length: 500 }, () => freePort());
    expect(new Set(ports).size).toBe(500);
  });
});
