// The join path's event lookup on a private redis-server: a copy of what inventory said of each
// event lets a gateway restarted during an inventory outage admit the drop's joins.
import { beforeEach, describe, expect, test } from "bun:test";
import { AppError } from "@tt/kit";
import type Redis from "ioredis";
import { withEventCopy } from "../src/adapters/upstream/event-copy.redis.ts";
import { CachedEventDirectory, type EventLookup } from "../src/adapters/upstream/event-directory.connect.ts";
import { codeOf, redisForFile } from "./support.ts";

let redis: Redis;
redisForFile((r) => {
  redis = r;
});

const WINDOW = { opensAt: 1_700_000_000_000, closesAt: 1_700_000_360_000 };
let inventoryUp = true;
const inventory: EventLookup = async (eventId) => {
  if (!inventoryUp) throw new AppError("UPSTREAM_UNAVAILABLE", "inventory is away");
  return eventId.startsWith("evt_real") ? WINDOW : false;
};
/** A gateway process that has just started: nothing known in process. */
const freshGateway = () => new CachedEventDirectory(withEventCopy(inventory, redis));

beforeEach(() => {
  inventoryUp = true;
});

describe("the event copy", () => {
  test("a gateway started while inventory is away admits joins of an event another one has read", async () => {
    expect(await freshGateway().exists("evt_real_1")).toBe(true);
    await Bun.sleep(20); // the copy is written behind the answer
    inventoryUp = false;
    const restarted = freshGateway();
    expect(await restarted.exists("evt_real_1")).toBe(true);
    expect(restarted.saleWindow("evt_real_1")).toEqual(WINDOW);
  });

  test("an event never read stays a 503 while inventory is away, and an unknown one is never copied", async () => {
    expect(await freshGateway().exists("evt_made_up")).toBe(false);
    inventoryUp = false;
    expect(await codeOf(freshGateway().exists("evt_made_up"))).toBe("UPSTREAM_UNAVAILABLE");
    expect(await codeOf(freshGateway().exists("evt_real_never_read"))).toBe("UPSTREAM_UNAVAILABLE");
  });

  test("inventory's answer wins once it is back", async () => {
    await freshGateway().exists("evt_real_2");
    await Bun.sleep(20);
    await redis.set("tt:q:{evt_real_2}:event", JSON.stringify({ opensAt: 1, closesAt: 2 }));
    const gateway = freshGateway();
    expect(await gateway.exists("evt_real_2")).toBe(true);
    expect(gateway.saleWindow("evt_real_2")).toEqual(WINDOW);
  });
});
