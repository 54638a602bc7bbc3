import { describe, expect, test } from "bun:test";
import { HttpMetrics } from "../src/http-metrics.ts";

describe("the HTTP request metrics", () => {
  test("count requests per status and observe durations into cumulative buckets", () => {
    const http = new HttpMetrics("gateway", [0.01, 0.1, 1]);
    http.of("GET", "/a", 200).record(0.005);
    http.of("GET", "/a", 200).record(0.05);
    http.of("GET", "/a", 404).record(2);
    const text = http.render();
    expect(text).toContain(
      'http_server_requests_total{method="GET",route="/a",status_code="200",app="gateway"} 2\n',
    );
    expect(text).toContain(
      'http_server_requests_total{method="GET",route="/a",status_code="404",app="gateway"} 1\n',
    );
    const bucket = (le: string) =>
      `http_server_request_duration_seconds_bucket{le="${le}",method="GET",route="/a",app="gateway"}`;
    expect(text).toContain(`${bucket("0.01")} 1\n`);
    expect(text).toContain(`${bucket("0.1")} 2\n`);
    expect(text).toContain(`${bucket("1")} 2\n`);
    expect(text).toContain(`${bucket("+Inf")} 3\n`);
    expect(text).toContain(
      'http_server_request_duration_seconds_count{method="GET",route="/a",app="gateway"} 3\n',
    );
    expect(text).toContain(
      'http_server_request_duration_seconds_sum{method="GET",route="/a",app="gateway"} 2.055',
    );
  });

  test("a route's tally tells answers slower than a bound, load shed and other 5xx apart", () => {
    const http = new HttpMetrics("gateway", [0.1, 0.5, 1]);
    http.of("POST", "/hold", 201).record(0.05);
    http.of("POST", "/hold", 201).record(0.3);
    http.of("POST", "/hold", 503).record(0.001);
    http.shed("POST", "/hold");
    http.of("POST", "/hold", 503).record(0.2);
    http.of("POST", "/hold", 504).record(2);
    expect(http.tally("POST", "/hold", 0.1)).toEqual({ count: 5, slow: 3, shed: 1, failed: 2 });
    expect(http.tally("POST", "/other", 0.1)).toEqual({ count: 0, slow: 0, shed: 0, failed: 0 });
  });

  test("label values are escaped for the text format", () => {
    const http = new HttpMetrics("svc", [1]);
    http.of("GET", 'a"b\\c', 200).record(0.1);
    expect(http.render()).toContain('route="a\\"b\\\\c"');
  });
});
