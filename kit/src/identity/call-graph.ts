/**
 * Who may call whom inside the platform (docs/architecture.md, "Service identity"). One table:
 * each service accepts service credentials only from the callers listed here, and the
 * NetworkPolicies in deploy/ allow the same edges. The payment → gateway webhook is not here:
 * it is signed with its own HMAC (webhook.ts), since the gateway's listener is public anyway.
 */
export const CALL_GRAPH = {
  gateway: ["inventory", "reservation", "payment"],
  reservation: ["inventory", "payment"],
  worker: ["reservation", "payment"],
  inventory: [],
  payment: [],
} as const satisfies Record<string, readonly string[]>;

/** A service of the call graph. */
export type GraphService = keyof typeof CALL_GRAPH;

/** The issuer of developer credentials (dev-key.ts): accepted by every service outside production. */
export const DEVELOPER = "developer";

const isGraphService = (name: string): name is GraphService => Object.hasOwn(CALL_GRAPH, name);

/** The services `name` calls (none for a name outside the graph). */
export function calleesOf(name: string): readonly string[] {
  return isGraphService(name) ? CALL_GRAPH[name] : [];
}

/** The services allowed to call `name` (none for a name outside the graph). */
export function callersOf(name: string): string[] {
  return Object.entries(CALL_GRAPH)
    .filter(([, callees]) => (callees as readonly string[]).includes(name))
    .map(([caller]) => caller);
}
