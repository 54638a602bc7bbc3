/** A service's identity from its configuration: how it signs its calls and checks its callers. */
import { type ConfigCheck, ConfigError, productionLike } from "../config.ts";
import { type AttestationReader, type Attester, keyAttestationReader, keyAttester } from "./attestation.ts";
import { calleesOf, callersOf } from "./call-graph.ts";
import { type Credentials, ServiceCredentials } from "./credentials.ts";
import { DEV_SIGNING_KEY, devCredentials } from "./dev-key.ts";
import { parseSigningKey, parseTrustedKeys, type TrustedKeys } from "./keys.ts";
import { CredentialVerifier } from "./verifier.ts";

/** The identity settings of `baseFields`. */
export interface IdentityConfig {
  appEnv: string;
  serviceSigningKey: string | undefined;
  serviceTrustedKeys: string | undefined;
}

/** How a service signs its calls and checks its callers. */
export interface ServiceIdentity {
  credentials: Credentials;
  verifier: CredentialVerifier;
  /** Signs facts for other services with this service's key (attestation.ts). */
  attester: Attester;
  /** Reads facts other services signed for this one. */
  attestations: AttestationReader;
}

/** Who a service is to its callers. */
export interface IdentityOptions {
  /** Names the service answers to (`aud`); default its own. A test double standing in for others lists theirs. */
  audiences?: readonly string[];
  /** Issuers allowed to call it; default the call graph's callers of its audiences. */
  callers?: readonly string[];
}

/**
 * How `name` signs facts for other services (attestation.ts): with its own key, or outside
 * production the developer key; in production without a key it signs nothing (no reader there
 * would trust the developer key). For a service whose core is built before its service.
 */
export function attesterOf(name: string, config: IdentityConfig): Attester {
  if (config.serviceSigningKey) return keyAttester(name, parseSigningKey(config.serviceSigningKey));
  return keyAttester(name, productionLike(config.appEnv) ? undefined : DEV_SIGNING_KEY);
}

/**
 * Builds `name`'s identity. In production its own key is required when it calls anyone, and a
 * key of every caller the call graph allows it; the developer key is never trusted there.
 * Outside production a service without a key signs with the developer key under its own name
 * (still held to the call graph), and the developer key is accepted.
 */
export function serviceIdentity(
  name: string,
  config: IdentityConfig,
  options: IdentityOptions = {},
): ServiceIdentity {
  const audiences = options.audiences ?? [name];
  const callers = options.callers ?? [...new Set(audiences.flatMap(callersOf))];
  const production = productionLike(config.appEnv);
  const trusted: TrustedKeys = config.serviceTrustedKeys ? parseTrustedKeys(config.serviceTrustedKeys) : {};
  if (production) {
    const problems = productionProblems(name, config, callers, trusted);
    if (problems.length > 0) throw new ConfigError(problems);
  }
  const signingKey = config.serviceSigningKey ? parseSigningKey(config.serviceSigningKey) : undefined;
  const credentials = signingKey ? new ServiceCredentials(name, signingKey) : devCredentials(name);
  const attester = attesterOf(name, config);
  const attestations = keyAttestationReader(name, trusted, production ? undefined : DEV_SIGNING_KEY);
  const verifier = new CredentialVerifier({
    audience: audiences,
    callers,
    trusted,
    ...(production ? {} : { developerKey: DEV_SIGNING_KEY }),
  });
  return { credentials, verifier, attester, attestations };
}

function productionProblems(
  name: string,
  config: IdentityConfig,
  callers: readonly string[],
  trusted: TrustedKeys,
): string[] {
  const problems: string[] = [];
  if (!config.serviceSigningKey && calleesOf(name).length > 0) {
    problems.push(
      `SERVICE_SIGNING_KEY is required in production (${name} calls ${calleesOf(name).join(", ")})`,
    );
  }
  const missing = callers.filter((c) => !trusted[c]?.length);
  if (missing.length > 0) {
    problems.push(
      `SERVICE_TRUSTED_KEYS needs a key of each caller in production (missing: ${missing.join(", ")})`,
    );
  }
  return problems;
}

/**
 * The identity part of `name`'s configuration schema: in production, the keys serviceIdentity
 * would refuse to start without (its own when it calls anyone, one of each caller), and keys
 * that parse. Checked with the rest of the configuration, before anything is built.
 */
export function identityCheck(name: string): ConfigCheck<IdentityConfig> {
  return (config) => {
    let trusted: TrustedKeys = {};
    try {
      if (config.serviceSigningKey) parseSigningKey(config.serviceSigningKey);
      if (config.serviceTrustedKeys) trusted = parseTrustedKeys(config.serviceTrustedKeys);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return productionLike(config.appEnv) ? productionProblems(name, config, callersOf(name), trusted) : [];
  };
}
