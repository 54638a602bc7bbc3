import { describe, expect, test } from "bun:test";
import { AdmissionStore, placeHold, RequestKeys } from "./admission.ts";
import { ApiError } from "./api.ts";
import type { HoldAnswer } from "./types.ts";

const memory = () => {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
};
const held: HoldAnswer = {
  reservation_id: "rsv_1",
  status: "HOLD",
  seat_ids: ["A-1-1"],
  hold_expires_at: null,
  total_amount: 1,
  currency: "KRW",
  watch_token: "watch-1",
};
const tokenInvalid = new ApiError({ code: "RESERVATION_TOKEN_INVALID", message: "used", status: 403 });

describe("AdmissionStore", () => {
  test("hands out a token only while it has a few seconds left", () => {
    const store = new AdmissionStore(memory());
    store.save("e1", "u1", { admission: "granted", reservation_token: "rt", ttl_sec: 30 }, 0);
    expect(store.fresh("e1", "u1", 20_000)?.reservationToken).toBe("rt");
    expect(store.fresh("e1", "u1", 26_000)).toBeUndefined();
    expect(store.fresh("e1", "u2", 0)).toBeUndefined();
  });
});

describe("placeHold", () => {
  test("enters again once when the token was already spent or expired", async () => {
    const tokens: boolean[] = [];
    const sent: string[] = [];
    const answer = await placeHold(
      { seatIds: ["A-1-1"] },
      {
        keys: new RequestKeys(),
        reservationToken: async (renew) => {
          tokens.push(renew);
          return renew ? "fresh" : "stale";
        },
        hold: async (_request, token) => {
          sent.push(token);
          if (token === "stale") throw tokenInvalid;
          return held;
        },
      },
    );
    expect(answer).toBe(held);
    expect([tokens, sent]).toEqual([
      [false, true],
      ["stale", "fresh"],
    ]);
  });

  test("a taken seat is the buyer's to resolve, not retried", async () => {
    let calls = 0;
    const taken = new ApiError({ code: "SEAT_UNAVAILABLE", message: "held", status: 409 });
    const result = placeHold(
      { seatIds: ["A-1-1"] },
      {
        keys: new RequestKeys(),
        reservationToken: async () => "rt",
        hold: async () => {
          calls++;
          throw taken;
        },
      },
    );
    await expect(result).rejects.toBe(taken);
    expect(calls).toBe(1);
  });

  test("a retry of the same request reuses its idempotency key; another request gets a new one", () => {
    const keys = new RequestKeys();
    const first = keys.keyFor('["rt",{"seatIds":["A-1-1"]}]');
    expect(keys.keyFor('["rt",{"seatIds":["A-1-1"]}]')).toBe(first);
    expect(keys.keyFor('["rt",{"seatIds":["A-1-2"]}]')).not.toBe(first);
  });
});
