/**
 * The developer credential: a key pair committed here on purpose, whose tokens every service
 * accepts only when `APP_ENV` is not `production` — so `buf curl`, the benches, the tests and the
 * fuzzer can call a service directly, and a service started by hand without keys still talks to
 * its neighbours. Production never trusts it (service-identity.ts).
 */
import type { JWK } from "jose";
import { DEVELOPER } from "./call-graph.ts";
import { type Credentials, ServiceCredentials } from "./credentials.ts";

/** The developer key (private: anyone may sign with it, which is why production ignores it). */
export const DEV_SIGNING_KEY: JWK = {
  kty: "OKP",
  crv: "Ed25519",
  kid: "tt-dev-1",
  alg: "EdDSA",
  d: "g2vevOE9RAcgA9JH069nW5CpiIRFY3hP0XL-FbYncAo",
  x: "06qzLRYsWPbavwit15KO3cuwVrKZTiEVAzhjGqItL7s",
};

const shared = new Map<string, ServiceCredentials>();

/**
 * Developer credentials for Connect clients (`createServiceClient(…, { credentials })`): signed
 * with the developer key as `issuer` (default `developer`, which any service accepts outside
 * production; a service name is held to that service's place in the call graph).
 */
export function devCredentials(issuer: string = DEVELOPER): Credentials {
  let credentials = shared.get(issuer);
  if (!credentials) {
    credentials = new ServiceCredentials(issuer, DEV_SIGNING_KEY);
    shared.set(issuer, credentials);
  }
  return credentials;
}

/**
 * An `Authorization` header value for calling `audience` directly over REST or with `buf curl`,
 * acting for `user` when given (outside production only).
 */
export async function devAuthorization(audience: string, user?: string): Promise<string> {
  return `Bearer ${await devCredentials().token(audience, user)}`;
}
