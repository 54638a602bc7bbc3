import { useState } from "react";
import { type FunnelView, getFunnel } from "../admin-api.ts";
import { useAuth } from "../auth.tsx";
import { bucketLabel, duration, funnelRows } from "../console/funnel.ts";
import { usePoll } from "../hooks.ts";

/** The funnel view is added up across gateways once a second: reading it more often shows nothing new. */
const FUNNEL_EVERY_MS = 2000;

const secondsOrDash = (sec: number | null) => (sec === null ? "—" : duration(sec));

/**
 * The sale's analytics on the operator console: the funnel from joining to the order, the places
 * abandoned, and how long admitted buyers waited in line (docs/spec.md, the funnel view).
 */
export function SaleFunnel({ eventId, token }: { eventId: string; token: string }) {
  const { noteError } = useAuth();
  const [view, setView] = useState<FunnelView>();
  usePoll(async (signal) => {
    try {
      setView(await getFunnel(eventId, { token, signal }));
    } catch (error) {
      // The live figures above say when the gateway cannot be read; keep the last analytics.
      if (!signal.aborted) noteError(error);
    }
  }, FUNNEL_EVERY_MS);
  if (!view) return null;
  const busiest = Math.max(1, ...view.wait.buckets.map((b) => b.count));
  return (
    <section aria-labelledby="funnel-heading" className="console-funnel">
      <h3 id="funnel-heading">Sale funnel</h3>
      <dl className="console-figures">
        {funnelRows(view).map((row) => (
          <div key={row.step}>
            <dt>{row.label}</dt>
            <dd data-testid={`funnel-${row.step}`}>
              {row.count === null ? "—" : row.count.toLocaleString()}
              {row.percentOfJoined !== null && row.step !== "joined" && (
                <small className="muted"> ({row.percentOfJoined} %)</small>
              )}
            </dd>
          </div>
        ))}
        <div>
          <dt>Dropped for silence</dt>
          <dd data-testid="abandoned-silent">{view.abandoned.silent.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Left the line</dt>
          <dd data-testid="abandoned-left">{view.abandoned.left.toLocaleString()}</dd>
        </div>
      </dl>
      <h3>Time in line</h3>
      <p data-testid="wait-summary">
        {view.wait.count.toLocaleString()} admitted · median {secondsOrDash(view.wait.p50_sec)} · p95{" "}
        {secondsOrDash(view.wait.p95_sec)}
      </p>
      <table className="console-wait">
        <caption className="muted">Admitted buyers by time from joining to admission</caption>
        <thead>
          <tr>
            <th scope="col">Waited</th>
            <th scope="col">Buyers</th>
            <th scope="col">Share</th>
          </tr>
        </thead>
        <tbody>
          {view.wait.buckets.map((bucket, i) => (
            <tr key={bucket.le ?? "inf"} data-testid={`wait-bucket-${bucket.le ?? "inf"}`}>
              <th scope="row">{bucketLabel(view.wait.buckets, i)}</th>
              <td>{bucket.count.toLocaleString()}</td>
              <td>
                <meter min={0} max={busiest} value={bucket.count} aria-label={`${bucket.count} buyers`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
