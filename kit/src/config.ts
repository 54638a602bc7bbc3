/** Raw environment, usually `process.env`. */
export type Env = Record<string, string | undefined>;

/** What a field may depend on besides its own text: whether the service runs in production. */
export interface FieldContext {
  readonly production: boolean;
}

/** One environment variable: its name and how to turn its text into a value. */
export interface Field<T> {
  readonly name: string;
  /** A secret: its value comes from the secret store in production, never from a default. */
  readonly secret?: boolean;
  parse(raw: string | undefined, context?: FieldContext): T;
}

/** Thrown at start when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
}

class FieldProblem extends Error {}

const field = <T>(name: string, parse: (raw: string | undefined, context?: FieldContext) => T): Field<T> => ({
  name,
  parse,
});

function present(raw: string | undefined): raw is string {
  return raw !== undefined && raw.trim() !== "";
}

/** Typed getters for environment variables; each fails with a message naming the variable. */
export const env = {
  string(name: string, fallback?: string): Field<string> {
    return field(name, (raw) => {
      if (present(raw)) return raw.trim();
      if (fallback !== undefined) return fallback;
      throw new FieldProblem(`${name} is required`);
    });
  },
  optional(name: string): Field<string | undefined> {
    return field(name, (raw) => (present(raw) ? raw.trim() : undefined));
  },
  /**
   * A secret with a well-known value for the local stack. Production never uses `devDefault`:
   * there the variable is required, so a missing secret stops the service at start rather than
   * letting it sign with a value anyone can read in this repository.
   */
  secret(name: string, devDefault: string): Field<string> {
    return {
      name,
      secret: true,
      parse(raw, context) {
        if (present(raw)) return raw.trim();
        if (context?.production) throw new FieldProblem(`${name} is required in production (a secret)`);
        return devDefault;
      },
    };
  },
  /** A secret nobody needs by default; a schema check says when production requires it. */
  optionalSecret(name: string): Field<string | undefined> {
    return { name, secret: true, parse: (raw) => (present(raw) ? raw.trim() : undefined) };
  },
  int(name: string, fallback: number, range: { min?: number; max?: number } = {}): Field<number> {
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
    return field(name, (raw) => {
      if (!present(raw)) return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < min || value > max) {
        throw new FieldProblem(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      }
      return value;
    });
  },
  optionalInt(name: string, range: { min: number; max: number }): Field<number | undefined> {
    return field(name, (raw) => (present(raw) ? env.int(name, 0, range).parse(raw) : undefined));
  },
  port(name: string, fallback: number): Field<number> {
    return env.int(name, fallback, { min: 1, max: 65535 });
  },
  url(name: string, fallback?: string): Field<string> {
    return field(name, (raw) => {
      const value = present(raw) ? raw.trim() : fallback;
      if (value === undefined) throw new FieldProblem(`${name} is required`);
      if (!URL.canParse(value)) throw new FieldProblem(`${name} must be a URL (got "${value}")`);
      return value.replace(/\/+$/, "");
    });
  },
  optionalUrl(name: string): Field<string | undefined> {
    return field(name, (raw) => {
      if (!present(raw)) return undefined;
      if (!URL.canParse(raw.trim())) throw new FieldProblem(`${name} must be a URL (got "${raw}")`);
      return raw.trim().replace(/\/+$/, "");
    });
  },
  oneOf<const T extends string>(name: string, values: readonly T[], fallback: T): Field<T> {
    return field(name, (raw) => {
      if (!present(raw)) return fallback;
      const value = raw.trim() as T;
      if (!values.includes(value)) {
        throw new FieldProblem(`${name} must be one of ${values.join(", ")} (got "${raw}")`);
      }
      return value;
    });
  },
  bool(name: string, fallback: boolean): Field<boolean> {
    return field(name, (raw) => {
      if (!present(raw)) return fallback;
      const value = raw.trim().toLowerCase();
      if (["1", "true", "yes", "on"].includes(value)) return true;
      if (["0", "false", "no", "off"].includes(value)) return false;
      throw new FieldProblem(`${name} must be true or false (got "${raw}")`);
    });
  },
};

/** The value type a set of fields produces. */
export type ConfigOf<S extends Record<string, Field<unknown>>> = {
  readonly [K in keyof S]: S[K] extends Field<infer T> ? T : never;
};

/** A rule across fields (a production requirement, a setting another one needs): its problems. */
export type ConfigCheck<C> = (config: C) => string[];

/**
 * Reads every field once at start, then runs `checks` over the result. All problems are gathered
 * before throwing so an operator fixes the environment in one go rather than one variable per
 * restart.
 */
export function loadConfig<S extends Record<string, Field<unknown>>>(
  fields: S,
  source: Env = process.env,
  checks: readonly ConfigCheck<ConfigOf<S>>[] = [],
): ConfigOf<S> {
  const context: FieldContext = { production: productionLike(source.APP_ENV?.trim()) };
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(fields)) {
    try {
      out[key] = f.parse(source[f.name], context);
    } catch (error) {
      if (!(error instanceof FieldProblem)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const config = Object.freeze(out) as ConfigOf<S>;
  const failed = checks.flatMap((check) => check(config));
  if (failed.length > 0) throw new ConfigError(failed);
  return config;
}

/**
 * A service's whole configuration in one place: its fields and the rules across them,
 * production's requirements included. main.ts reads it, the tests load it, and
 * deploy/test/production-env.test.ts runs it over the environment the manifests give a pod.
 */
export interface ConfigSchema<S extends Record<string, Field<unknown>>> {
  readonly service: string;
  readonly fields: S;
  readonly checks: readonly ConfigCheck<ConfigOf<S>>[];
  /** Parses `source` and runs every check; a ConfigError names every problem. */
  load(source?: Env): ConfigOf<S>;
  /** The variables holding secrets (`env.secret`, `env.optionalSecret`). */
  secrets(): string[];
}

/** Declares a service's configuration schema. */
export function configSchema<S extends Record<string, Field<unknown>>>(
  service: string,
  fields: S,
  checks: readonly ConfigCheck<ConfigOf<S>>[] = [],
): ConfigSchema<S> {
  return {
    service,
    fields,
    checks,
    load: (source = process.env) => loadConfig(fields, source, checks),
    secrets: () => Object.values(fields).flatMap((f) => (f.secret ? [f.name] : [])),
  };
}

/**
 * Deployment modes; `production` turns off dev login and bypass tokens. `staging` is a stage on
 * AWS run by production's rules everywhere (secrets required, no dev key, no bypass tokens, no
 * dev login); the only difference is the gateway's load-test identity (LOADTEST_JWKS), which
 * production refuses.
 */
export const APP_ENVS = ["development", "test", "staging", "production"] as const;

/** Whether a mode runs by production's rules (production and staging). */
export const productionLike = (appEnv: string | undefined): boolean =>
  appEnv === "production" || appEnv === "staging";

/** Fields every service reads; a service spreads these into its own field set. */
export function baseFields(defaultPort: number) {
  return {
    appEnv: env.oneOf("APP_ENV", APP_ENVS, "development"),
    logLevel: env.oneOf("LOG_LEVEL", ["debug", "info", "warn", "error"] as const, "info"),
    host: env.string("HOST", "0.0.0.0"),
    port: env.port("PORT", defaultPort),
    /** Native gRPC (HTTP/2) listener; unset means PORT + 1, 0 turns it off. */
    rpcPort: env.optionalInt("RPC_PORT", { min: 0, max: 65535 }),
    stage: env.string("STAGE", "local"),
    bodyLimitBytes: env.int("BODY_LIMIT_BYTES", 16 * 1024, { min: 1024, max: 10 * 1024 * 1024 }),
    shutdownGraceMs: env.int("SHUTDOWN_GRACE_MS", 10_000, { min: 0, max: 120_000 }),
    /** Requests one process answers at once; past that 503 OVERLOADED at once (http/observe.ts). */
    maxInFlightRequests: env.int("MAX_IN_FLIGHT_REQUESTS", 4096, { min: 1, max: 1_000_000 }),
    otlpEndpoint: env.optionalUrl("OTEL_EXPORTER_OTLP_ENDPOINT"),
    /**
     * This service's Ed25519 private JWK, signing its calls (identity/keys.ts); production needs
     * it in a service that calls others (identity/service-identity.ts, `identityCheck`).
     */
    serviceSigningKey: env.optionalSecret("SERVICE_SIGNING_KEY"),
    /** The platform's public keys, `{"<service>": [JWK or PEM, …]}`, checking its callers (identity/keys.ts). */
    serviceTrustedKeys: env.optionalSecret("SERVICE_TRUSTED_KEYS"),
  };
}

/** Where the AWS services live; endpoints are set only for the local emulators. */
export function awsFields() {
  return {
    awsRegion: env.string("AWS_REGION", "us-east-1"),
    dynamodbEndpoint: env.optionalUrl("DYNAMODB_ENDPOINT"),
    sqsEndpoint: env.optionalUrl("SQS_ENDPOINT"),
  };
}

/** The Redis the service talks to. */
export function redisFields() {
  return {
    redisUrl: env.url("REDIS_URL", "redis://127.0.0.1:6390"),
    /** Use the cluster client (ElastiCache in cluster mode); keys of one event share a hash tag. */
    redisCluster: env.bool("REDIS_CLUSTER", false),
  };
}

/** Connect base URLs of the other services. */
export function upstreamFields() {
  return {
    inventoryUrl: env.url("INVENTORY_URL", "http://127.0.0.1:8020"),
    reservationUrl: env.url("RESERVATION_URL", "http://127.0.0.1:8010"),
    paymentUrl: env.url("PAYMENT_URL", "http://127.0.0.1:8030"),
  };
}

/** The outbox sweep both outboxes (reservation's events, payment's outcomes) read. */
export function outboxFields() {
  return {
    // Events are published by their writer at commit; the sweep only catches what a dead writer
    // left behind, once it is this old.
    outboxStaleMs: env.int("OUTBOX_STALE_MS", 5000, { min: 100, max: 600_000 }),
  };
}

/**
 * Loads a schema (or bare fields) for a service's entry point: on a bad environment it prints
 * which variables are wrong and exits 1, instead of a stack trace.
 */
export function readConfig<S extends Record<string, Field<unknown>>>(schema: ConfigSchema<S>): ConfigOf<S>;
export function readConfig<S extends Record<string, Field<unknown>>>(service: string, fields: S): ConfigOf<S>;
export function readConfig<S extends Record<string, Field<unknown>>>(
  schemaOrService: ConfigSchema<S> | string,
  fields?: S,
): ConfigOf<S> {
  const schema =
    typeof schemaOrService === "string" ? configSchema(schemaOrService, fields as S) : schemaOrService;
  const service = schema.service;
  try {
    return schema.load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${service}: ${error.message}\n`);
    process.exit(1);
  }
}
