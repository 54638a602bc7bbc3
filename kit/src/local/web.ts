import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Supervisor } from "./processes.ts";
import { httpAnswers, waitUntil } from "./wait.ts";

/** True when `<repo>/web/package.json` has a `dev` script to run. */
export function webHasDevScript(repoRoot: string): boolean {
  const file = join(repoRoot, "web", "package.json");
  if (!existsSync(file)) return false;
  const pkg = JSON.parse(readFileSync(file, "utf8")) as { scripts?: Record<string, string> };
  return typeof pkg.scripts?.dev === "string";
}

/**
 * Starts the web app's dev server (`bun run --cwd web dev`, Vite) on `port` and waits until it
 * answers. The Vite config reads WEB_PORT and GATEWAY_URL, so the port travels by env.
 */
export async function startWeb(
  sup: Supervisor,
  opts: {
    repoRoot: string;
    port: number;
    env: Record<string, string | undefined>;
    timeoutMs: number;
    abort?: () => Error | undefined;
  },
): Promise<string> {
  sup.spawn({
    name: "web",
    cmd: [process.execPath, "run", "--cwd", join(opts.repoRoot, "web"), "dev"],
    cwd: opts.repoRoot,
    env: { ...opts.env, WEB_PORT: String(opts.port) },
    tier: 2,
  });
  const url = `http://127.0.0.1:${opts.port}`;
  await waitUntil("web (vite)", () => httpAnswers(url), {
    timeoutMs: opts.timeoutMs,
    ...(opts.abort ? { abort: opts.abort } : {}),
  });
  return url;
}
