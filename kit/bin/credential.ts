#!/usr/bin/env bun
/**
 * `bun kit/bin/credential.ts <service> [--user <id>]`: prints an `Authorization` header value for
 * calling one service directly (buf curl, curl), signed with the developer key — accepted outside
 * production only, valid 60 s. With `--user` the call acts for that buyer.
 *
 *   buf curl -H "authorization: $(bun kit/bin/credential.ts inventory)" …
 */
import { devAuthorization } from "../src/identity/dev-key.ts";

const [audience, flag, user] = process.argv.slice(2);
if (!audience || audience.startsWith("-") || (flag !== undefined && (flag !== "--user" || !user))) {
  process.stderr.write("usage: bun kit/bin/credential.ts <service> [--user <id>]\n");
  process.exit(1);
}
process.stdout.write(`${await devAuthorization(audience, user)}\n`);
