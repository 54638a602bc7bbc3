#!/usr/bin/env bun
/**
 * `bun run --cwd bench mint-jwts --count 5000 --issuer I --audience A [--ttl 7200] --out DIR`:
 * a load-test identity for a staging stage. Writes DIR/jwks.json (public: Terraform's
 * `load_test_jwks`), DIR/key.jwk (private: keep it), DIR/buyers.jwt (one buyer JWT per line, subs
 * buyer-00000…, for the drop's `--jwts`) and DIR/admin.jwt (role admin, for BENCH_ADMIN_JWT).
 * An existing DIR/key.jwk is reused, so tokens can be minted again for the same trusted key.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { commandArgs, numberFlag, stringFlag } from "./lib/args.ts";
import { identityFromFile, mintJwt, newIdentity } from "./lib/load-test-identity.ts";

const args = commandArgs({
  usage: `bun run --cwd bench mint-jwts --issuer I --audience A --out DIR [--count 5000] [--ttl 7200]
  JWTs for the drop against a staging stage (bench/README.md, "Targeting another platform")`,
  flags: ["count", "issuer", "audience", "ttl", "out"],
});
const issuer = stringFlag(args, "issuer");
const audience = stringFlag(args, "audience");
const out = stringFlag(args, "out");
if (!issuer || !audience || !out) {
  process.stderr.write("mint-jwts: --issuer, --audience and --out are required (see --help)\n");
  process.exit(2);
}
const count = numberFlag(args, "count", 5000);
const ttlSec = numberFlag(args, "ttl", 7200);
mkdirSync(out, { recursive: true });
const keyFile = join(out, "key.jwk");
const id = existsSync(keyFile) ? identityFromFile(keyFile) : newIdentity();
if (!existsSync(keyFile)) {
  writeFileSync(keyFile, JSON.stringify({ ...id.privateKey.export({ format: "jwk" }), kid: id.kid }), {
    mode: 0o600,
  });
}
writeFileSync(join(out, "jwks.json"), JSON.stringify(id.jwks));
const buyers = Array.from({ length: count }, (_, i) =>
  mintJwt(id, { sub: `buyer-${String(i).padStart(5, "0")}`, iss: issuer, aud: audience, ttlSec }),
);
writeFileSync(join(out, "buyers.jwt"), `${buyers.join("\n")}\n`);
writeFileSync(
  join(out, "admin.jwt"),
  mintJwt(id, { sub: "bench-ops", iss: issuer, aud: audience, ttlSec, roles: ["admin"] }),
);
process.stdout.write(
  `mint-jwts: ${count} buyer JWTs and an admin JWT (kid ${id.kid}, ${ttlSec} s) in ${out}\n`,
);
