/**
 * The two per-request metrics of docs/spec.md (Observability),
 * `http_server_requests_total{method,route,status_code}` and
 * `http_server_request_duration_seconds{method,route}`, kept outside prom-client: they are
 * recorded on every request, and prom-client re-validates and re-hashes the labels on each
 * `inc`/`observe` (≈ 1 µs each, measurable on the 30k req/s routes). Here a series is looked up
 * once per (method, route, status) and recording is a few additions; the text exposition is
 * appended to the registry's by `Metrics.render()`.
 */

/** A bound (method, route, status) series: counts the request and observes its duration. */
export interface HttpSeries {
  record(seconds: number): void;
}

interface Duration {
  labels: string;
  buckets: Float64Array;
  sum: number;
  count: number;
}

const labelValue = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** The HTTP request metrics of one service. */
export class HttpMetrics {
  private readonly series = new Map<string, HttpSeries>();
  /** One per bound series: `of` binds each (method, route, status) once. */
  private readonly counts: Array<{ labels: string; route: string; status: number; n: number }> = [];
  private readonly durations = new Map<string, Duration>();
  /** 503 OVERLOADED answers per "method route" (also counted as 503s above): load shed, not failed. */
  private readonly sheds = new Map<string, number>();

  constructor(
    private readonly app: string,
    private readonly bounds: readonly number[],
  ) {}

  /** The series of one method, route template and status, created on first use. */
  of(method: string, route: string, status: number): HttpSeries {
    const key = `${method} ${route} ${status}`;
    let bound = this.series.get(key);
    if (!bound) {
      bound = this.bind(method, route, status);
      this.series.set(key, bound);
    }
    return bound;
  }

  private bind(method: string, route: string, status: number): HttpSeries {
    const base = `method="${labelValue(method)}",route="${labelValue(route)}"`;
    const counter = { labels: `${base},status_code="${status}"`, route: `${method} ${route}`, status, n: 0 };
    this.counts.push(counter);
    let duration = this.durations.get(base);
    if (!duration) {
      duration = { labels: base, buckets: new Float64Array(this.bounds.length), sum: 0, count: 0 };
      this.durations.set(base, duration);
    }
    const { bounds } = this;
    const histogram = duration;
    return {
      record(seconds) {
        counter.n++;
        histogram.sum += seconds;
        histogram.count++;
        for (let i = 0; i < bounds.length; i++) {
          if (seconds <= (bounds[i] as number)) {
            histogram.buckets[i] = (histogram.buckets[i] as number) + 1;
            break;
          }
        }
      },
    };
  }

  /** Counts one answer of a route, already recorded with its 503, as load shed (OVERLOADED). */
  shed(method: string, route: string): void {
    const key = `${method} ${route}`;
    this.sheds.set(key, (this.sheds.get(key) ?? 0) + 1);
  }

  /**
   * What one route has answered since the start: how many requests, how many took longer than
   * `slowerThanSec` (counted by bucket: give a bucket bound), how many shed load (503
   * OVERLOADED: full, retry) and how many failed otherwise (every other 5xx). Windows come from
   * the difference of two tallies (the admission governor's health, queue/governor.ts).
   */
  tally(
    method: string,
    route: string,
    slowerThanSec: number,
  ): { count: number; slow: number; shed: number; failed: number } {
    const key = `${method} ${route}`;
    const shed = this.sheds.get(key) ?? 0;
    let errors = 0;
    for (const c of this.counts) if (c.route === key && c.status >= 500) errors += c.n;
    const failed = errors - shed;
    const d = this.durations.get(`method="${labelValue(method)}",route="${labelValue(route)}"`);
    if (!d) return { count: 0, slow: 0, shed, failed };
    let fast = 0;
    this.bounds.forEach((le, i) => {
      if (le <= slowerThanSec) fast += d.buckets[i] as number;
    });
    return { count: d.count, slow: d.count - fast, shed, failed };
  }

  /** Prometheus text exposition of both metrics (labels as prom-client writes them, `app` last). */
  render(): string {
    const app = `app="${labelValue(this.app)}"`;
    const lines = [
      "# HELP http_server_requests_total HTTP requests served",
      "# TYPE http_server_requests_total counter",
    ];
    for (const c of this.counts) lines.push(`http_server_requests_total{${c.labels},${app}} ${c.n}`);
    lines.push(
      "# HELP http_server_request_duration_seconds HTTP request latency",
      "# TYPE http_server_request_duration_seconds histogram",
    );
    const name = "http_server_request_duration_seconds";
    for (const d of this.durations.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += d.buckets[i] as number;
        lines.push(`${name}_bucket{le="${le}",${d.labels},${app}} ${cumulative}`);
      });
      lines.push(`${name}_bucket{le="+Inf",${d.labels},${app}} ${d.count}`);
      lines.push(`${name}_sum{${d.labels},${app}} ${d.sum}`);
      lines.push(`${name}_count{${d.labels},${app}} ${d.count}`);
    }
    return `${lines.join("\n")}\n`;
  }
}
