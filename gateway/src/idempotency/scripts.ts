import { readFileSync } from "node:fs";
import { join } from "node:path";
import type Redis from "ioredis";

// Bump when a script's KEYS/ARGV contract changes, so gateways of two releases never share a
// name during a rolling deploy.
const VERSION = "v1";

/** Every reply code of the idempotency scripts, in one place. */
export enum IdempotencyReply {
  Claimed = 1,
  Done = 2,
  Conflict = -1,
  InProgress = -2,
  ClaimLost = -3,
}

/** Reply of the begin script: the code, then status, body and content type when done. */
export type BeginReply = [IdempotencyReply, string?, string?, string?];

/** The idempotency Lua commands on an ioredis client. */
export interface IdempotencyCommands {
  ttIdemBegin(key: string, fingerprint: string, owner: string, lockMs: number): Promise<BeginReply>;
  ttIdemFinish(
    key: string,
    owner: string,
    status: number,
    body: string,
    contentType: string,
    ttlMs: number,
  ): Promise<IdempotencyReply>;
  ttIdemRelease(key: string, owner: string): Promise<IdempotencyReply>;
}

const SCRIPTS = {
  ttIdemBegin: "idempotency-begin-1.lua",
  ttIdemFinish: "idempotency-finish-1.lua",
  ttIdemRelease: "idempotency-release-1.lua",
} as const;

/** Registers the idempotency scripts on `redis` (once) and returns it typed. */
export function withIdempotencyScripts(redis: Redis): Redis & IdempotencyCommands {
  const typed = redis as Redis & IdempotencyCommands;
  const commands = typed as unknown as Record<string, unknown>;
  for (const [command, file] of Object.entries(SCRIPTS)) {
    if (command in typed) continue;
    const numberOfKeys = Number(file.match(/-(\d+)\.lua$/)?.[1]);
    const lua = readFileSync(join(import.meta.dir, "scripts", file), "utf8");
    // The versioned name is what Redis sees in SLOWLOG/MONITOR; the alias is what code calls.
    redis.defineCommand(`${command}${VERSION}`, { numberOfKeys, lua });
    commands[command] = commands[`${command}${VERSION}`];
  }
  return typed;
}
