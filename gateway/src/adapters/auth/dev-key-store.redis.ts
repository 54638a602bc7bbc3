import type Redis from "ioredis";
import type { DevKeyStore } from "../../domain/auth/dev-issuer.ts";

// Versioned so a change of key format never meets an old stored key. Outside production only.
const DEV_KEY = "tt:auth:{dev-issuer}:key:v1";

/** Shares the dev issuer's private key through Redis (first writer wins). */
export function redisDevKeyStore(redis: Redis): DevKeyStore {
  return {
    load: () => redis.get(DEV_KEY),
    async claim(candidate) {
      await redis.set(DEV_KEY, candidate, "NX");
      return (await redis.get(DEV_KEY)) ?? candidate;
    },
  };
}
