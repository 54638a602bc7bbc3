import { describe, expect, test } from "bun:test";
import {
  contextFromTraceparent,
  createLogger,
  currentTraceId,
  currentTraceparent,
  initTelemetry,
  inSpan,
} from "../src/index.ts";

initTelemetry("telemetry-test");

describe("trace context through queue messages", () => {
  test("a consumer continues the producer's trace from the message's traceparent", async () => {
    const produced = await inSpan("publish", {}, () => ({
      traceId: currentTraceId(),
      traceparent: currentTraceparent(),
    }));
    expect(produced.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);

    const consumedTraceId = await inSpan(
      "consume",
      { parent: contextFromTraceparent(produced.traceparent) },
      () => currentTraceId(),
    );
    expect(consumedTraceId).toBe(produced.traceId);
  });

  test("a message without a traceparent starts a fresh trace", async () => {
    const traceId = await inSpan("consume", { parent: contextFromTraceparent(undefined) }, () =>
      currentTraceId(),
    );
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe("JSON logs", () => {
  test("one object per line with ts, level, service, trace_id and msg; secrets redacted", async () => {
    const lines: string[] = [];
    const log = createLogger("svc", "info", (line) => lines.push(line)).child({ component: "test" });
    const traceId = await inSpan("work", {}, () => {
      log.info("hold created", {
        reservation_id: "rsv_1",
        authorization: "Bearer abc",
        nested: { api_key: "k" },
      });
      return currentTraceId();
    });
    log.debug("not written below the level");
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? "{}");
    expect(entry).toMatchObject({
      level: "info",
      service: "svc",
      trace_id: traceId,
      msg: "hold created",
      component: "test",
      reservation_id: "rsv_1",
      authorization: "[redacted]",
      nested: { api_key: "[redacted]" },
    });
    expect(Number.isNaN(Date.parse(entry.ts))).toBe(false);
    expect(lines[0]).not.toContain("Bearer abc");
  });
});
