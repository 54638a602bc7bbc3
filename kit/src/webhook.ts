/**
 * Signed webhooks, shared by the sender (payment) and the receiver (gateway). The signature is
 * HMAC-SHA256 over `<timestamp>.<body>`: binding the timestamp into the MAC is what stops a
 * captured request from being replayed later with a fresh timestamp header.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** Header carrying `sha256=<hex>` (lower case, as Fetch `Headers` normalises names). */
export const WEBHOOK_SIGNATURE_HEADER = "x-webhook-signature";
/** Header carrying the signing time in Unix seconds. */
export const WEBHOOK_TIMESTAMP_HEADER = "x-webhook-timestamp";
/**
 * The webhook secret outside production when none is configured, the same on the payment
 * simulator and the gateway so the local stack verifies out of the box (never valid in production).
 */
export const DEV_WEBHOOK_SECRET = "tt-dev-webhook-secret";
/** How far (either way) a timestamp may be from the receiver's clock by default: five minutes. */
export const WEBHOOK_TOLERANCE_SEC = 300;

const SIGNATURE_PREFIX = "sha256=";
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const UNIX_SECONDS = /^\d{1,12}$/;

/** `sha256=<hex>` for a body signed at `timestampSec`. */
export function webhookSignature(secret: string, timestampSec: number, body: string): string {
  return `${SIGNATURE_PREFIX}${mac(secret, timestampSec, body).toString("hex")}`;
}

function mac(secret: string, timestampSec: number, body: string): Buffer {
  return createHmac("sha256", secret).update(`${timestampSec}.${body}`).digest();
}

/** The two headers a sender adds to a webhook POST whose body is exactly `body`. */
export function signWebhook(secret: string, body: string, nowMs = Date.now()): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
    [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(secret, timestamp, body),
  };
}

/** Why a webhook was refused; the receiver logs it and answers 401 without saying which. */
export type WebhookRejection =
  | "missing_signature"
  | "missing_timestamp"
  | "malformed_signature"
  | "malformed_timestamp"
  | "stale_timestamp"
  | "bad_signature";

/** Outcome of `verifyWebhook`. */
export type WebhookVerdict = { ok: true; timestampSec: number } | { ok: false; reason: WebhookRejection };

/** What the receiver got, plus its secret(s) and clock. */
export interface VerifyWebhookInput {
  /** One secret, or several while a secret is being rotated (any may match). */
  secret: string | readonly string[];
  /** The raw request body, byte for byte as received (not re-serialised JSON). */
  body: string;
  signature: string | null | undefined;
  timestamp: string | null | undefined;
  nowMs?: number;
  toleranceSec?: number;
}

/**
 * Checks a webhook's signature and freshness. The MAC comparison is constant-time so response
 * timing reveals nothing about how much of a forged signature was right.
 */
export function verifyWebhook(input: VerifyWebhookInput): WebhookVerdict {
  const { signature, timestamp } = input;
  if (!signature) return { ok: false, reason: "missing_signature" };
  if (!timestamp) return { ok: false, reason: "missing_timestamp" };
  if (!UNIX_SECONDS.test(timestamp)) return { ok: false, reason: "malformed_timestamp" };
  const given = signature.startsWith(SIGNATURE_PREFIX) ? signature.slice(SIGNATURE_PREFIX.length) : "";
  if (!HEX_SHA256.test(given)) return { ok: false, reason: "malformed_signature" };

  const timestampSec = Number(timestamp);
  const nowSec = Math.floor((input.nowMs ?? Date.now()) / 1000);
  // Future timestamps are refused too: a sender's clock far ahead would otherwise mint
  // signatures that stay replayable for longer than the window.
  if (Math.abs(nowSec - timestampSec) > (input.toleranceSec ?? WEBHOOK_TOLERANCE_SEC)) {
    return { ok: false, reason: "stale_timestamp" };
  }

  const givenBytes = Buffer.from(given, "hex");
  const secrets = typeof input.secret === "string" ? [input.secret] : input.secret;
  let matched = false;
  // Every secret is tried (no early exit) so timing does not reveal which one matched.
  for (const secret of secrets) {
    if (timingSafeEqual(mac(secret, timestampSec, input.body), givenBytes)) matched = true;
  }
  return matched ? { ok: true, timestampSec } : { ok: false, reason: "bad_signature" };
}
