import react from "@vitejs/plugin-react";
import { defineConfig, type ProxyOptions } from "vite";

/** Reads a TCP port from the environment, failing fast on nonsense instead of binding somewhere surprising. */
function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name} must be a port number between 1 and 65535, got "${raw}"`);
  }
  return port;
}

const port = portFromEnv("WEB_PORT", 3000);
const host = process.env.WEB_HOST || "127.0.0.1";
const gateway = process.env.GATEWAY_URL || "http://127.0.0.1:8000";

// The browser only ever talks to this origin, so the gateway needs no CORS setup locally.
// `ws: true` carries the live queue socket (/api/v1/queue/ws); `xfwd` lets the gateway's
// per-IP rate limiter see the buyer's address rather than the proxy's.
const proxy: Record<string, ProxyOptions> = {
  "/api": { target: gateway, ws: true, xfwd: true },
  "/.well-known": { target: gateway, xfwd: true },
};

export default defineConfig({
  plugins: [react()],
  server: { host, port, strictPort: true, proxy },
  preview: { host, port, strictPort: true, proxy },
  build: { outDir: "dist", emptyOutDir: true },
});
