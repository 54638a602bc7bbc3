/**
 * What service identity costs per call (docs/architecture.md, "Service identity"): the caller's
 * token lookup and the callee's check, for a token seen before (the hot path: a caller reuses one
 * token for 40 s) and for a fresh one (a new buyer, or a renewal). In-process, no network.
 *
 *   bun bench/service-identity.ts [--n 200000]
 */
import { CredentialVerifier, identityEnv, parseTrustedKeys, ServiceCredentials } from "@tt/kit";

const n = Number(process.argv[process.argv.indexOf("--n") + 1]) || 200_000;
const { env, keys } = identityEnv(["gateway", "reservation"] as const);
const gateway = new ServiceCredentials("gateway", keys.gateway);
const verifier = new CredentialVerifier({
  audience: "reservation",
  callers: ["gateway"],
  trusted: parseTrustedKeys(env.reservation.SERVICE_TRUSTED_KEYS),
});

async function time(label: string, runs: number, fn: (i: number) => unknown, warmUp = true) {
  if (warmUp) for (let i = 0; i < Math.min(runs, 1000); i++) await fn(i);
  const started = performance.now();
  for (let i = 0; i < runs; i++) await fn(i);
  const perCallUs = ((performance.now() - started) * 1000) / runs;
  console.log(`${label.padEnd(48)} ${perCallUs.toFixed(3).padStart(9)} µs/call  (${runs} calls)`);
}

const header = `Bearer ${await gateway.token("reservation", "alice")}`;
// The hot path, both ends: the caller's cached token, the callee's remembered one.
await time("caller: cached token (same buyer)", n, () => gateway.token("reservation", "alice"));
await time("callee: remembered token (sync map hit)", n, () => verifier.verify(header));
await time("both ends, cached", n, async () =>
  verifier.verify(`Bearer ${await gateway.token("reservation", "alice")}`),
);
// A new buyer each call: one signature at the caller, one verification at the callee.
const fresh = Math.min(n, 5000);
await time("caller: new buyer (EdDSA sign)", fresh, (i) => gateway.token("reservation", `new-${i}`), false);
const tokens = await Promise.all(
  Array.from({ length: fresh }, (_, i) => gateway.sign("reservation", `v-${i}`)),
);
await time("callee: new token (EdDSA verify)", fresh, (i) => verifier.verify(`Bearer ${tokens[i]}`), false);
