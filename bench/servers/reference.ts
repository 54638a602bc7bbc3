// The gateway benchmark's reference: bare Bun.serve doing one auto-pipelined EVALSHA per
// request (the ceiling for one Redis-backed route in docs/architecture.md, "Measured facts"), nothing
// else.
import Redis from "ioredis";
// The services' Redis client has this Bun fix (kit/src/redis.ts); the reference gets it too, so
// the ratio compares routes, not a runtime bug only one side works around.
import { fixTracingChannelSubscribers } from "../../kit/src/tracing-channel-fix.ts";

fixTracingChannelSubscribers();

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { enableAutoPipelining: true });
redis.defineCommand("refJoin", {
  numberOfKeys: 2,
  lua: `local seq = redis.call("INCR", KEYS[1])
redis.call("ZADD", KEYS[2], seq, ARGV[1])
return seq`,
});
const join = (redis as unknown as { refJoin(...a: unknown[]): Promise<number> }).refJoin.bind(redis);
let n = 0;

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  async fetch() {
    const seq = await join("ref:{evt}:seq", "ref:{evt}:wait", `t${n++}`);
    return Response.json({ position: seq });
  },
});
process.stdout.write(`listening ${server.port}\n`);
