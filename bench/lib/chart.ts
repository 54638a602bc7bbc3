/**
 * A dependency-free SVG chart for every scenario: latency percentiles (p50/p95/p99 bars per
 * step, log scale because queue waits and route latencies differ by orders of magnitude) above
 * throughput over time (one line per series).
 */

/** p50/p95/p99 of one step or scenario, in milliseconds. */
export interface PercentileBar {
  label: string;
  p50: number;
  p95: number;
  p99: number;
}

/** A throughput series: [seconds since start, value per second]. */
export interface Series {
  label: string;
  points: Array<[number, number]>;
}

/** What to draw. */
export interface ChartSpec {
  title: string;
  subtitle?: string;
  latency: PercentileBar[];
  throughput: Series[];
  throughputUnit?: string;
}

const W = 960;
const PAD = { left: 70, right: 20, top: 30, bottom: 70 };
const PANEL_H = 300;
const BAR_COLOURS = ["#4e79a7", "#f28e2b", "#e15759"];
const LINE_COLOURS = ["#4e79a7", "#59a14f", "#e15759", "#b07aa1", "#f28e2b", "#76b7b2", "#9c755f", "#edc948"];

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const text = (x: number, y: number, s: string, attrs = "") =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`;

/** A "nice" upper bound for a linear axis. */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const mag = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * mag >= max) return step * mag;
  return 10 * mag;
}

function latencyPanel(bars: PercentileBar[], top: number): string {
  const x0 = PAD.left;
  const y0 = top + PAD.top;
  const w = W - PAD.left - PAD.right;
  const h = PANEL_H - PAD.top - PAD.bottom;
  const values = bars.flatMap((b) => [b.p50, b.p95, b.p99]).filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.max(0.1, Math.min(...values, 1))));
  const hi = Math.ceil(Math.log10(Math.max(...values, 10)));
  const y = (v: number) => y0 + h - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * h;
  const out = [text(x0, top + 18, "Latency percentiles (ms, log scale)", 'font-weight="bold"')];
  for (let e = lo; e <= hi; e++) {
    const yy = y(10 ** e);
    out.push(`<line x1="${x0}" x2="${x0 + w}" y1="${yy}" y2="${yy}" stroke="#ddd"/>`);
    out.push(text(x0 - 8, yy + 4, String(10 ** e), 'text-anchor="end"'));
  }
  const group = w / Math.max(bars.length, 1);
  const bw = Math.min(24, (group * 0.8) / 3);
  bars.forEach((b, i) => {
    const gx = x0 + i * group + (group - bw * 3) / 2;
    [b.p50, b.p95, b.p99].forEach((v, k) => {
      const yy = y(v);
      out.push(
        `<rect x="${(gx + k * bw).toFixed(1)}" y="${yy.toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${(y0 + h - yy).toFixed(1)}" fill="${BAR_COLOURS[k]}"><title>${esc(`${b.label} p${[50, 95, 99][k]}: ${v} ms`)}</title></rect>`,
      );
    });
    const cx = x0 + i * group + group / 2;
    out.push(
      text(cx, y0 + h + 14, b.label, `text-anchor="end" transform="rotate(-30 ${cx} ${y0 + h + 14})"`),
    );
  });
  ["p50", "p95", "p99"].forEach((name, k) => {
    out.push(
      `<rect x="${W - 200 + k * 60}" y="${top + 8}" width="12" height="12" fill="${BAR_COLOURS[k]}"/>`,
    );
    out.push(text(W - 184 + k * 60, top + 18, name));
  });
  return out.join("\n");
}

function throughputPanel(series: Series[], unit: string, top: number): string {
  const x0 = PAD.left;
  const y0 = top + PAD.top;
  const w = W - PAD.left - PAD.right;
  const h = PANEL_H - PAD.top - 50;
  const all = series.flatMap((s) => s.points);
  const xMax = niceMax(Math.max(1, ...all.map((p) => p[0])));
  const yMax = niceMax(Math.max(1, ...all.map((p) => p[1])));
  const x = (t: number) => x0 + (t / xMax) * w;
  const y = (v: number) => y0 + h - (v / yMax) * h;
  const out = [text(x0, top + 18, `Throughput over time (${unit})`, 'font-weight="bold"')];
  for (let k = 0; k <= 4; k++) {
    const v = (yMax * k) / 4;
    out.push(`<line x1="${x0}" x2="${x0 + w}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    out.push(text(x0 - 8, y(v) + 4, String(Math.round(v)), 'text-anchor="end"'));
    const t = (xMax * k) / 4;
    out.push(text(x(t), y0 + h + 16, `${Math.round(t)} s`, 'text-anchor="middle"'));
  }
  series.forEach((s, i) => {
    const colour = LINE_COLOURS[i % LINE_COLOURS.length];
    const d = s.points.map((p, j) => `${j === 0 ? "M" : "L"}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`);
    if (d.length > 0)
      out.push(`<path d="${d.join(" ")}" fill="none" stroke="${colour}" stroke-width="1.5"/>`);
    const lx = x0 + (i % 4) * 220;
    const ly = y0 + h + 32 + Math.floor(i / 4) * 14;
    out.push(`<rect x="${lx}" y="${ly - 9}" width="12" height="3" fill="${colour}"/>`);
    out.push(text(lx + 16, ly - 4, s.label));
  });
  return out.join("\n");
}

/** The chart as a standalone SVG document. */
export function chartSvg(spec: ChartSpec): string {
  const height = 50 + PANEL_H * 2;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    text(PAD.left, 20, spec.title, 'font-size="15" font-weight="bold"'),
    spec.subtitle ? text(PAD.left, 38, spec.subtitle, 'fill="#555"') : "",
    latencyPanel(spec.latency, 45),
    throughputPanel(spec.throughput, spec.throughputUnit ?? "per second", 45 + PANEL_H),
    "</svg>",
    "",
  ].join("\n");
}
