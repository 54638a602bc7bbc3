import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { QueueRefs } from "../aws/provision.ts";
import { identityEnv } from "../identity/keys.ts";
import {
  type LocalPorts,
  PORTS,
  type PortName,
  resolvePorts,
  SERVICE_NAMES,
  type ServiceName,
} from "./config.ts";
import { startDynamo } from "./dynamodb.ts";
import { provision, stateRoot } from "./infra.ts";
import { createLauncherLog, type LineSink, stdoutSink } from "./log.ts";
import { assertPortsFree, type PortClaim } from "./ports.ts";
import { assertPrerequisites, JAVA, type Prerequisite, REDIS_SERVER } from "./prereqs.ts";
import { type Child, Supervisor } from "./processes.ts";
import { waitForReady } from "./readiness.ts";
import { startRedis, waitForRedis } from "./redis.ts";
import { gatewayReplicaPorts, spawnProxy } from "./replicas.ts";
import { startSqs } from "./sqs.ts";
import { startWeb, webHasDevScript } from "./web.ts";

/** Options of startLocalStack; everything defaults to the dev setup of the README. */
export interface LocalStackOptions {
  /** Start the web app's dev server too (default true; skipped with a warning if web has no dev script). */
  web?: boolean;
  /** Keep DynamoDB Local's data on disk here instead of in memory (default env LOCAL_DATA_DIR). */
  dataDir?: string | undefined;
  /** The environment to read settings from and pass on to children (default process.env). */
  env?: Record<string, string | undefined>;
  /** Settings for one service only, over everything else (tests route one hop through a proxy). */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Port overrides that win over the *_PORT env vars. */
  ports?: Partial<LocalPorts>;
  /** Resource name prefix (default env STAGE, else "local"). */
  stage?: string;
  /** How long every service gets to report ready (default 60 s). */
  readyTimeoutMs?: number;
  /** Repository root (default: the one this kit lives in). */
  repoRoot?: string;
  /** Fills the stack with demo data once every service is ready; the web app starts after it. */
  seed?: (env: Readonly<Record<string, string>>) => Promise<void>;
  /** Where log and child output lines go (default stdout). */
  sink?: LineSink;
  /** Colour child prefixes (default: when stdout is a TTY). */
  color?: boolean;
  /** Aborting it during start stops what was started and rejects (Ctrl-C while booting). */
  signal?: AbortSignal;
  /**
   * Once everything is up, start a child that dies again after a backoff, as Kubernetes would
   * (default true). False: fail-stop — the first death resolves `crashed` (tests that want it).
   */
  restart?: boolean;
  /**
   * Gateway replicas behind a local TCP proxy on the gateway's port, as production runs several
   * behind its load balancer (default env GATEWAY_REPLICAS, else 1: the gateway alone). The
   * replicas are the children "gateway", "gateway-2", …, each on the gateway's port + 2, + 4, ….
   */
  gatewayReplicas?: number;
}

/** Where everything listens once the stack is up. */
export interface LocalUrls {
  web?: string;
  gateway: string;
  services: Record<ServiceName, string>;
  swagger: Record<ServiceName, string>;
  metrics: Record<ServiceName, string>;
  redis: string;
  dynamodb: string;
  /** Each gateway replica's own address by child name ("gateway", "gateway-2", …; none for one gateway). */
  gatewayReplicas: Record<string, string>;
  sqs: string;
}

/** A running local platform. */
export interface LocalStack {
  urls: LocalUrls;
  /** The environment every service got (besides its own PORT). */
  env: Readonly<Record<string, string>>;
  queues: QueueRefs;
  /** Pids of every child the stack started (restarts included). */
  pids(): number[];
  /** The pid of a child's latest start ("gateway", "redis", "sqs", "dynamodb", …). */
  pidOf(name: string): number | undefined;
  /** Resolves with a message if a child dies on its own after start and is not restarted. */
  crashed: Promise<string>;
  /** Stops every child the stack started, and nothing else. Idempotent. */
  stop(): Promise<void>;
}

/** A child died while nobody asked it to; the message carries its last output lines. */
export class ChildExitedError extends Error {
  override name = "ChildExitedError";
  constructor(child: Child, code: number) {
    const tail = child.tail().slice(-12);
    super(
      `${child.name} (pid ${child.pid}) exited unexpectedly with code ${code}` +
        (tail.length > 0 ? `; last output:\n  ${tail.join("\n  ")}` : ""),
    );
  }
}

const DEFAULT_REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Starts Redis, DynamoDB Local, fauxqs, provisions tables and queues, then the services and web app. */
export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const src = opts.env ?? process.env;
  const sink = opts.sink ?? stdoutSink;
  const log = createLauncherLog(sink);
  const repoRoot = opts.repoRoot ?? DEFAULT_REPO_ROOT;
  const ports = resolvePorts(src, opts.ports);
  const stage = opts.stage ?? src.STAGE ?? "local";
  const dataDir = opts.dataDir ?? (src.LOCAL_DATA_DIR || undefined);
  const externalRedis = src.REDIS_URL || undefined;
  const wantWeb = (opts.web ?? true) && webHasDevScript(repoRoot);
  if ((opts.web ?? true) && !wantWeb)
    log.warn("web/package.json has no dev script; not starting the web app");

  const needed: Prerequisite[] = externalRedis ? [JAVA] : [JAVA, REDIS_SERVER];
  assertPrerequisites(needed, src.PATH);
  const entries = SERVICE_NAMES.map((name) => join(repoRoot, name, "src", "main.ts"));
  const missing = entries.find((e) => !existsSync(e));
  if (missing) throw new Error(`service entry ${missing} does not exist`);
  const listeners: PortName[] = [...SERVICE_NAMES, "dynamodb", "sqs"];
  if (!externalRedis) listeners.push("redis");
  if (wantWeb) listeners.push("web");
  const claims: PortClaim[] = listeners.map((n) => ({ ...PORTS[n], port: ports[n] }));
  // Each service also serves native gRPC on its port + 1 (the kit's default RPC_PORT).
  for (const n of SERVICE_NAMES) {
    claims.push({ owner: `${n} gRPC`, port: ports[n] + 1, envVar: PORTS[n].envVar });
  }
  const replicas = gatewayReplicaPorts(
    ports.gateway,
    opts.gatewayReplicas ?? Number(src.GATEWAY_REPLICAS || 1),
  );
  for (const { child, port } of replicas) {
    claims.push({ owner: child, port, envVar: PORTS.gateway.envVar });
    claims.push({ owner: `${child} gRPC`, port: port + 1, envVar: PORTS.gateway.envVar });
  }
  await assertPortsFree(claims);

  let failure: Error | undefined;
  let reportCrash: (message: string) => void = () => undefined;
  const crashed = new Promise<string>((resolve) => {
    reportCrash = resolve;
  });
  const sup = new Supervisor({
    sink,
    ...(opts.color !== undefined ? { color: opts.color } : {}),
    onSpawn: (child) => log.info("started", { child: child.name, pid: child.pid }),
    onRestart: (child, code, delayMs, restarts) =>
      log.warn("exited; restarting", { child: child.name, pid: child.pid, code, in_ms: delayMs, restarts }),
    onUnexpectedExit: (child, code) => {
      failure ??= new ChildExitedError(child, code);
      reportCrash(failure.message);
    },
  });
  const abort = () => failure ?? (opts.signal?.aborted ? new Error("start interrupted") : undefined);
  // Redis's append-only file and the SQS emulator's messages, for as long as the stack lives.
  const stateDir = mkdtempSync(join(stateRoot(), "tt-local-"));
  const stop = () => sup.stop().finally(() => rmSync(stateDir, { recursive: true, force: true }));

  try {
    const started = Date.now();
    log.info("starting infrastructure", {
      redis: externalRedis ?? ports.redis,
      dynamodb: ports.dynamodb,
      sqs: ports.sqs,
    });
    const [redisUrl, dynamoEndpoint, sqsEndpoint] = await Promise.all([
      externalRedis
        ? waitForRedis(externalRedis, 10_000, abort).then(() => externalRedis)
        : startRedis(sup, { port: ports.redis, dir: join(stateDir, "redis"), abort }),
      startDynamo(sup, { port: ports.dynamodb, dataDir, abort }),
      startSqs(sup, { port: ports.sqs, dataDir: join(stateDir, "sqs"), abort }),
    ]);

    const interrupted = abort();
    if (interrupted) throw interrupted;
    const region = src.AWS_REGION || "us-east-1";
    const queues = await provision(region, dynamoEndpoint, sqsEndpoint, stage);
    log.info("tables and queues ready", { stage, events_queue: queues.eventsUrl });

    const services = Object.fromEntries(
      SERVICE_NAMES.map((n) => [n, `http://127.0.0.1:${ports[n]}`]),
    ) as Record<ServiceName, string>;
    const env: Record<string, string> = {
      APP_ENV: src.APP_ENV || "development",
      LOG_LEVEL: src.LOG_LEVEL || "info",
      STAGE: stage,
      REDIS_URL: redisUrl,
      AWS_REGION: region,
      DYNAMODB_ENDPOINT: dynamoEndpoint,
      SQS_ENDPOINT: sqsEndpoint,
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      INVENTORY_URL: services.inventory,
      RESERVATION_URL: services.reservation,
      PAYMENT_URL: services.payment,
      GATEWAY_URL: services.gateway,
      PAYMENT_WEBHOOK_URL: `${services.gateway}/api/v1/payments/webhook`,
    };
    // A fresh key per service for this run, and every service's public key to each of them, as
    // production's Secrets give them (identity/keys.ts); tools call in with the developer key.
    const identity = identityEnv(SERVICE_NAMES);
    const spawnService = (name: ServiceName, child: string, port: number) =>
      sup.spawn({
        name: child,
        cmd: [process.execPath, entries[SERVICE_NAMES.indexOf(name)] ?? ""],
        cwd: repoRoot,
        env: { ...src, ...env, ...identity.env[name], PORT: String(port), ...opts.serviceEnv?.[name] },
        tier: 1,
      });
    for (const name of SERVICE_NAMES) {
      if (name !== "gateway" || replicas.length === 0) spawnService(name, name, ports[name]);
    }
    for (const { child, port } of replicas) spawnService("gateway", child, port);
    if (replicas.length > 0) spawnProxy(sup, ports.gateway, replicas, src);
    const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;
    const launchWeb = () =>
      startWeb(sup, { repoRoot, port: ports.web, env: { ...src, ...env }, timeoutMs: readyTimeoutMs, abort });
    // Without seed data the web app starts beside the services; with it, only once the data is
    // in: Vite prints its address when it answers, and a page opened then must find the event.
    let webUrl = wantWeb && !opts.seed ? launchWeb() : undefined;
    const replicaUrls = Object.fromEntries(replicas.map((r) => [r.child, `http://127.0.0.1:${r.port}`]));
    // The gateway's own address is the proxy's: each replica is awaited on its own.
    await waitForReady({ ...services, ...replicaUrls }, { timeoutMs: readyTimeoutMs, abort });
    log.info("all services ready", { ms: Date.now() - started });
    if (opts.seed) {
      await opts.seed(env);
      log.info("demo data seeded");
      if (wantWeb) webUrl = launchWeb();
    }
    if (opts.restart ?? true) sup.restartOnExit();

    const urls: LocalUrls = {
      ...(webUrl ? { web: await webUrl } : {}),
      gateway: services.gateway,
      services,
      swagger: mapServices(services, (u) => `${u}/swagger`),
      metrics: mapServices(services, (u) => `${u}/metrics`),
      redis: redisUrl,
      dynamodb: dynamoEndpoint,
      sqs: sqsEndpoint,
      gatewayReplicas: replicaUrls,
    };
    return {
      urls,
      env,
      queues,
      crashed,
      pids: () => sup.pids(),
      pidOf: (name) => sup.pidOf(name),
      stop,
    };
  } catch (err) {
    await stop();
    // A child's death explains a failed wait better than the wait's own error.
    throw failure ?? err;
  }
}

function mapServices(
  services: Record<ServiceName, string>,
  f: (url: string) => string,
): Record<ServiceName, string> {
  return Object.fromEntries(Object.entries(services).map(([k, v]) => [k, f(v)])) as Record<
    ServiceName,
    string
  >;
}
