import { describe, expect, test } from "bun:test";
import {
  signWebhook,
  verifyWebhook,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  webhookSignature,
} from "../src/webhook.ts";

const SECRET = "whsec_test";
const BODY = JSON.stringify({ id: "evt_1", type: "payment.approved", detail: { amount: "50000" } });
const NOW = 1_700_000_000_000;

function received(
  headers: Record<string, string>,
  body = BODY,
  nowMs = NOW,
  secret: string | string[] = SECRET,
) {
  return verifyWebhook({
    secret,
    body,
    signature: headers[WEBHOOK_SIGNATURE_HEADER],
    timestamp: headers[WEBHOOK_TIMESTAMP_HEADER],
    nowMs,
  });
}

describe("webhook signatures", () => {
  test("a webhook signed with the shared secret is accepted", () => {
    const headers = signWebhook(SECRET, BODY, NOW);
    expect(headers[WEBHOOK_SIGNATURE_HEADER]).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(received(headers)).toEqual({ ok: true, timestampSec: NOW / 1000 });
  });

  test("the signature is HMAC-SHA256 of `<timestamp>.<body>` in hex", () => {
    const expected = new Bun.CryptoHasher("sha256", SECRET).update(`1700000000.${BODY}`).digest("hex");
    expect(webhookSignature(SECRET, 1_700_000_000, BODY)).toBe(`sha256=${expected}`);
  });

  test("a forged signature, another secret, or a tampered body is refused", () => {
    const headers = signWebhook(SECRET, BODY, NOW);
    const forged = { ...headers, [WEBHOOK_SIGNATURE_HEADER]: `sha256=${"ab".repeat(32)}` };
    expect(received(forged)).toEqual({ ok: false, reason: "bad_signature" });
    expect(received(signWebhook("someone-else", BODY, NOW))).toEqual({ ok: false, reason: "bad_signature" });
    expect(received(headers, BODY.replace("50000", "1"))).toEqual({ ok: false, reason: "bad_signature" });
  });

  test("moving the timestamp header forward breaks the signature (no replay with a fresh time)", () => {
    const old = signWebhook(SECRET, BODY, NOW - 3_600_000);
    const refreshed = { ...old, [WEBHOOK_TIMESTAMP_HEADER]: String(NOW / 1000) };
    expect(received(refreshed)).toEqual({ ok: false, reason: "bad_signature" });
  });

  test("a stale or far-future timestamp is refused even with a valid signature", () => {
    expect(received(signWebhook(SECRET, BODY, NOW - 301_000))).toEqual({
      ok: false,
      reason: "stale_timestamp",
    });
    expect(received(signWebhook(SECRET, BODY, NOW + 301_000))).toEqual({
      ok: false,
      reason: "stale_timestamp",
    });
    expect(received(signWebhook(SECRET, BODY, NOW - 299_000)).ok).toBe(true);
  });

  test("missing or malformed headers are refused with the reason", () => {
    const headers = signWebhook(SECRET, BODY, NOW);
    expect(received({ [WEBHOOK_TIMESTAMP_HEADER]: headers[WEBHOOK_TIMESTAMP_HEADER] as string })).toEqual({
      ok: false,
      reason: "missing_signature",
    });
    expect(received({ [WEBHOOK_SIGNATURE_HEADER]: headers[WEBHOOK_SIGNATURE_HEADER] as string })).toEqual({
      ok: false,
      reason: "missing_timestamp",
    });
    expect(received({ ...headers, [WEBHOOK_TIMESTAMP_HEADER]: "soon" }).ok).toBe(false);
    for (const signature of ["md5=abc", "sha256=xyz", `sha256=${"a".repeat(63)}`]) {
      expect(received({ ...headers, [WEBHOOK_SIGNATURE_HEADER]: signature })).toEqual({
        ok: false,
        reason: "malformed_signature",
      });
    }
  });

  test("during a secret rotation either the old or the new secret is accepted", () => {
    const rotating = ["new-secret", SECRET];
    expect(received(signWebhook(SECRET, BODY, NOW), BODY, NOW, rotating).ok).toBe(true);
    expect(received(signWebhook("new-secret", BODY, NOW), BODY, NOW, rotating).ok).toBe(true);
    expect(received(signWebhook("retired", BODY, NOW), BODY, NOW, rotating).ok).toBe(false);
  });
});
