import { describe, expect, test } from "bun:test";
import type { AdminQueueView } from "../admin-api.ts";
import { changeFrom, controlsOf, milliseconds, perSecond } from "./controls.ts";

const view: AdminQueueView = {
  event_id: "evt_1",
  rate: 20,
  cap: 500,
  paused: false,
  opens_at: null,
  waiting: 10,
  admitted: 3,
  served: 40,
  observed_rate_per_sec: 19.5,
};

describe("the console's admission controls", () => {
  test("send rate and cap only, while the gateway has no self-tuning admission", () => {
    const values = controlsOf(view);
    expect(values).toEqual({ rate: "20", cap: "500" });
    expect(changeFrom({ ...values, rate: " 35.5 " })).toEqual({ rate: 35.5, cap: 500 });
  });

  test("show and send the pacing and its bounds once the queue view has them", () => {
    const values = controlsOf({ ...view, admission: "auto", rate_min: 5, rate_max: 80 });
    expect(values).toEqual({ rate: "20", cap: "500", admission: "auto", rateMin: "5", rateMax: "80" });
    expect(changeFrom({ ...values, rateMax: "60" })).toEqual({
      rate: 20,
      cap: 500,
      admission: "auto",
      rate_min: 5,
      rate_max: 60,
    });
    // Back to a fixed rate: the bounds are not sent (the API refuses them without self-tuning).
    expect(changeFrom({ ...values, admission: "fixed" })).toEqual({ rate: 20, cap: 500, admission: "fixed" });
  });

  test("a fixed-rate view offers the API's default bounds for switching self-tuning on", () => {
    const values = controlsOf({
      ...view,
      admission: "fixed",
      rate_min: null,
      rate_max: null,
      auto_rate: null,
    });
    expect(values).toEqual({ rate: "20", cap: "500", admission: "fixed", rateMin: "1", rateMax: "1000" });
    expect(changeFrom({ ...values, rate: "25" })).toEqual({ rate: 25, cap: 500, admission: "fixed" });
  });

  test("say what to fix instead of sending what the API would refuse", () => {
    const values = controlsOf({ ...view, admission: "auto", rate_min: 5, rate_max: 80 });
    expect(changeFrom({ ...values, rate: "fast" })).toEqual({
      problem: expect.stringMatching(/^The rate must/),
    });
    expect(changeFrom({ ...values, cap: "2.5" })).toEqual({
      problem: expect.stringMatching(/^The cap must/),
    });
    expect(changeFrom({ ...values, cap: "0" })).toEqual({ problem: expect.stringMatching(/^The cap must/) });
    expect(changeFrom({ ...values, rateMin: "90" })).toEqual({
      problem: "The lowest rate cannot be above the highest.",
    });
    expect(changeFrom({ ...values, rateMax: "" })).toEqual({
      problem: expect.stringMatching(/^The highest rate/),
    });
  });

  test("format figures so a glance is enough", () => {
    expect([perSecond(null), perSecond(0), perSecond(4.26), perSecond(1234.4)]).toEqual([
      "—",
      "0.0",
      "4.3",
      "1,234",
    ]);
    expect([milliseconds(null), milliseconds(3.14), milliseconds(48.6)]).toEqual(["—", "3.1 ms", "49 ms"]);
  });
});
