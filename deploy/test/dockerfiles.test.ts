// Dockerfiles cannot be built here (no Docker engine), so their promises are checked as text.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PORTS, SERVICE_NAMES } from "@tt/kit/local";
import { REPO } from "./support/terraform.ts";

const rootManifest = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { workspaces: string[] };
const dockerfile = (name: string) => readFileSync(join(REPO, "deploy/docker", `${name}.Dockerfile`), "utf8");

describe.each([...SERVICE_NAMES])("%s Dockerfile", (name) => {
  const text = dockerfile(name);
  const froms = [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);

  test("is multi-stage on oven/bun pinned to Bun 1.4.5 (multi-arch images)", () => {
    expect(froms).toEqual(["oven/bun:1.4.5", "oven/bun:1.4.5-slim"]);
  });

  test("installs only the production dependencies of its own package, from the frozen lockfile", () => {
    expect(text).toContain(`RUN bun install --frozen-lockfile --production --filter @tt/${name}\n`);
    // The lockfile only installs frozen when every workspace manifest is present.
    for (const ws of rootManifest.workspaces) expect(text).toContain(`COPY ${ws}/package.json ${ws}/`);
  });

  test("copies only the workspaces the service imports, and no tests", () => {
    const sources = [...text.matchAll(/^COPY (\S+)\/src /gm)].map((m) => m[1]);
    expect(sources).toEqual(["kit", "contracts", name]);
    const pkg = JSON.parse(readFileSync(join(REPO, name, "package.json"), "utf8")) as {
      dependencies: object;
    };
    const workspaceDeps = Object.keys(pkg.dependencies).filter((d) => d.startsWith("@tt/"));
    expect(workspaceDeps.sort()).toEqual(["@tt/contracts", "@tt/kit"]);
  });

  test("runs as the non-root bun user, exposes PORT and PORT + 1, starts main.ts", () => {
    const port = PORTS[name].defaultPort;
    expect(text).toMatch(/^USER bun$/m);
    expect(text).toContain(`EXPOSE ${port} ${port + 1}\n`);
    expect(text).toContain(`PORT=${port}`);
    expect(text).toContain(`ENTRYPOINT ["bun", "${name}/src/main.ts"]`);
  });
});

test("the build context leaves out node_modules, tests, local data and secrets", () => {
  const ignore = readFileSync(join(REPO, ".dockerignore"), "utf8").split("\n");
  for (const entry of ["**/node_modules", "**/test", "**/.data", ".git", "**/app.env", "**/deploy.env"]) {
    expect(ignore).toContain(entry);
  }
});

test("the dev-only emulators are devDependencies of the kit (so --production leaves them out)", () => {
  const kit = JSON.parse(readFileSync(join(REPO, "kit/package.json"), "utf8"));
  for (const dev of ["amplify-dynamodb-simulator", "fauxqs"]) {
    expect(kit.devDependencies[dev]).toBeDefined();
    expect(kit.dependencies[dev]).toBeUndefined();
  }
});
