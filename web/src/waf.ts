/**
 * AWS WAF's JavaScript integration at the edge (terraform/modules/web/waf.tf). The challenge
 * script earns a WAF token in the browser (a cookie) and exposes `window.AwsWafIntegration`;
 * the edge challenges a join that carries no valid token. API calls go through the
 * integration's `fetch`, and an answer that is the edge's challenge rather than the gateway's
 * is solved (a fresh token) and the call sent once more.
 */

/** The part of `window.AwsWafIntegration` the app uses. */
export interface WafIntegration {
  /** `fetch` that attaches the current WAF token. */
  fetch: (input: string, init?: RequestInit) => Promise<Response>;
  /** Returns a valid token, solving the silent challenge first when there is none. */
  getToken: () => Promise<string>;
}

/** How a request leaves the page: `fetch` or a stand-in with the same shape. */
export type Send = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * Whether an answer is the edge's challenge (202) or CAPTCHA (405) rather than the gateway's.
 * Browsers may hide the `x-amzn-waf-action` header, so the status and a body that is not the
 * gateway's JSON decide too: the gateway's own 202 (a join) is always JSON.
 */
export function isEdgeChallenge(response: Response): boolean {
  const action = response.headers.get("x-amzn-waf-action");
  if (action === "challenge" || action === "captcha") return true;
  if (response.status !== 202 && response.status !== 405) return false;
  return !(response.headers.get("content-type") ?? "").includes("application/json");
}

/**
 * A {@link Send} through the integration once it has loaded (plain `fetch` when there is none,
 * as locally). A challenged call is sent again after a fresh token; a second challenge is
 * returned as it came, for the caller to report.
 */
export function sendThroughEdge(integration: Promise<WafIntegration | undefined>, plain: Send): Send {
  return async (input, init) => {
    const waf = await integration;
    if (!waf) return plain(input, init);
    const first = await waf.fetch(input, init);
    if (!isEdgeChallenge(first) || init?.signal?.aborted) return first;
    try {
      await waf.getToken();
    } catch {
      return first; // The token could not be earned (timed out): the challenge stands.
    }
    return waf.fetch(input, init);
  };
}

/** The page surface {@link loadWafIntegration} touches (a `Document` and `window` in the browser). */
export interface ScriptHost {
  /** Appends a `<script async src=url>` and settles when it has run or failed to load. */
  addScript: (url: string) => Promise<void>;
  /** `window.AwsWafIntegration` once the script has run. */
  integration: () => WafIntegration | undefined;
}

/**
 * Loads the challenge script from `url` (the Terraform output `waf_challenge_script_url`, built
 * in as `VITE_WAF_CHALLENGE_URL`). No URL (a local build) or a script that fails to load:
 * undefined, and calls go out as plain `fetch`, the gateway never challenges.
 */
export async function loadWafIntegration(url: string | undefined, host: ScriptHost) {
  if (!url) return undefined;
  try {
    await host.addScript(url);
  } catch {
    return undefined;
  }
  return host.integration();
}

/** The browser's {@link ScriptHost}. */
export function browserScriptHost(doc: Document, win: Window): ScriptHost {
  return {
    addScript: (url) =>
      new Promise((resolve, reject) => {
        const script = doc.createElement("script");
        script.src = url;
        script.async = true;
        script.onload = () => resolve();
        script.onerror = () => reject(new Error(`could not load ${url}`));
        doc.head.append(script);
      }),
    integration: () => (win as Window & { AwsWafIntegration?: WafIntegration }).AwsWafIntegration,
  };
}
