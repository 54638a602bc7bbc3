import { dirname, join } from "node:path";
import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";

// Swagger UI's assets ship inside the swagger-ui-dist package; serving them ourselves keeps
// /swagger working on machines without internet access (the plugin's default is a CDN).
const assetDir = dirname(Bun.resolveSync("swagger-ui-dist/package.json", import.meta.dir));
const ASSETS = new Set(["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"]);

/** What the OpenAPI document says about the service. */
export interface DocsInfo {
  title: string;
  version: string;
  description: string;
}

/** What the document needs to know of a route (Elysia's own route table). */
export interface RouteBody {
  method: string;
  path: string;
  hooks: { body?: unknown };
}

type OpenApiDoc = {
  paths?: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>>;
};

/**
 * Gives every JSON body its schema back. The kit reads bodies with its own parse hook
 * (errors.ts: the size limit, 415), and the plugin, seeing a function parser, lists no content
 * for any body; every REST route takes JSON, so each body's TypeBox schema (JSON Schema already)
 * is its `application/json` content.
 */
function withBodies(doc: OpenApiDoc, routes: readonly RouteBody[]): OpenApiDoc {
  for (const route of routes) {
    if (!route.hooks.body) continue;
    const path = route.path.replace(/:(\w+)/g, "{$1}");
    const body = doc.paths?.[path]?.[route.method.toLowerCase()]?.requestBody;
    if (body && Object.keys(body.content ?? {}).length === 0)
      body.content = { "application/json": { schema: route.hooks.body } };
  }
  return doc;
}

/** OpenAPI document at `/swagger/json` and an offline Swagger UI at `/swagger`. */
export function docs(info: DocsInfo, routes: () => readonly RouteBody[] = () => []) {
  return new Elysia({ name: "kit.docs" })
    .onAfterHandle({ as: "global" }, ({ path, response }) => {
      if (path === "/swagger/json" && response && typeof response === "object")
        return withBodies(response as OpenApiDoc, routes());
    })
    .get(
      "/swagger/assets/:file",
      ({ params, status }) => {
        if (!ASSETS.has(params.file)) return status(404, "Not found");
        return new Response(Bun.file(join(assetDir, params.file)), {
          headers: { "cache-control": "public, max-age=86400" },
        });
      },
      { detail: { hide: true } },
    )
    .use(
      openapi({
        path: "/swagger",
        provider: "swagger-ui",
        documentation: {
          info,
          // Bearer tokens are optional document-wide (the empty requirement), so Swagger UI's
          // Authorize button sends the JWT on every call and public routes still work without one.
          components: {
            securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
          },
          security: [{ bearer: [] }, {}],
        },
        swagger: {
          cdn: "/swagger/assets/swagger-ui-bundle.js",
          theme: "/swagger/assets/swagger-ui.css",
          autoDarkMode: false,
        },
      }),
    );
}
