/** Every REST route and Connect procedure of every service, as fuzz targets. */
import * as kit from "@tt/kit";
import type { ServiceName } from "@tt/kit/local";
import { connectProcedures, connectRequests } from "./connect.ts";
import { DEV_CREDENTIAL, type FuzzRequest, restRequests, restRoutes, routeName } from "./rest.ts";
import type { FuzzTarget } from "./run.ts";
import type { FuzzFixtures } from "./stack.ts";
import { connectVerdict, restVerdict } from "./verdict.ts";

// Services answer direct calls only with a service credential (#18, service identity); outside
// production the kit's developer credential is one. Looked up by name so that the fuzzer also
// runs against a kit without it (every direct call then stays anonymous).
const devAuthorization = (
  kit as unknown as { devAuthorization?: (audience: string, user?: string) => Promise<string> }
).devAuthorization;

/** Puts a fresh developer credential (for `service`, acting for the fixtures' buyer) where the generator asked for one. */
function withCredential(service: string, userId: string) {
  return async (request: FuzzRequest): Promise<FuzzRequest> => {
    if (request.headers.authorization !== DEV_CREDENTIAL) return request;
    const headers = { ...request.headers };
    if (devAuthorization) headers.authorization = await devAuthorization(service, userId);
    else delete headers.authorization;
    return { ...request, headers };
  };
}

/** The targets of the services at `bases` (a subset of the five is fine). */
export async function fuzzTargets(
  bases: Partial<Record<ServiceName, string>>,
  fixtures: FuzzFixtures,
): Promise<FuzzTarget[]> {
  const targets: FuzzTarget[] = [];
  for (const [service, base] of Object.entries(bases)) {
    if (!base) continue;
    for (const route of await restRoutes(service, base)) {
      targets.push({
        name: `${service} ${routeName(route)}`,
        requests: restRequests(route, fixtures),
        prepare: withCredential(service, fixtures.userId),
        judge: restVerdict,
      });
    }
  }
  for (const proc of connectProcedures(bases as Record<string, string>)) {
    targets.push({
      name: `${proc.service} ${proc.path}`,
      requests: connectRequests(proc, fixtures),
      prepare: withCredential(proc.service, fixtures.userId),
      judge: connectVerdict,
    });
  }
  return targets;
}
