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

  test("label values are escaped for the text format", () => {
    const http = new HttpMetrics("svc", [1]);
    http.of("GET", 'a"b\\c', 200).record(0.1);
    expect(http.render()).toContain('route="a\\"b\\\\c"');
  });
});
