import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseHcl as parse } from "./support/hcl.ts";
import { formatIssues } from "./support/hcl-format.ts";
import { loadTerraform, REPO, TERRAFORM, tfPaths } from "./support/terraform.ts";

const files = await loadTerraform();

describe("terraform files", () => {
  test("every .tf file parses as HCL", () => {
    expect(files.length).toBe(tfPaths().length);
    expect(files.length).toBeGreaterThan(40);
  });

  test("a syntax error is reported with the file name (the parser is really parsing)", async () => {
    const broken = parse("broken.tf", 'resource "aws_sqs_queue" "q" {\n  name = \n}\n');
    await expect(broken).rejects.toThrow(/broken\.tf/);
  });

  test("every file is laid out as terraform fmt writes it", () => {
    const problems = files.flatMap((f) =>
      formatIssues(f.text).map((i) => `${f.path}:${i.line}: ${i.message}`),
    );
    expect(problems).toEqual([]);
  });

  test("the layout check catches misaligned and mis-indented attributes", () => {
    const text = "locals {\n  a = 1\n  long_name = 2\n   b = 3\n}\n";
    expect(formatIssues(text).map((i) => i.line)).toEqual([4, 2, 4]);
  });

  test("every variable and output has a description", () => {
    const missing = files.flatMap((f) =>
      (["variable", "output"] as const).flatMap((kind) =>
        Object.entries(f.hcl[kind] ?? {})
          .filter(([, bodies]) => !(bodies as { description?: string }[])[0]?.description)
          .map(([name]) => `${f.path}: ${kind} ${name}`),
      ),
    );
    expect(missing).toEqual([]);
  });

  test("every module source points at a module folder that exists", () => {
    const sources = files.flatMap((f) =>
      Object.values(f.hcl.module ?? {}).map((bodies) => ({
        from: f.dir,
        source: (bodies as { source: string }[])[0]?.source ?? "",
      })),
    );
    expect(sources.length).toBeGreaterThan(8);
    for (const { from, source } of sources) {
      expect({ source, exists: existsSync(join(REPO, from, source, "variables.tf")) }).toEqual({
        source,
        exists: true,
      });
    }
  });

  test("the production environment keeps its state remotely with locking", () => {
    const versions = files.find((f) => f.path === "terraform/envs/prod/versions.tf");
    const backend = versions?.hcl.terraform?.[0]?.backend?.s3?.[0];
    expect(backend).toMatchObject({ encrypt: true, use_lockfile: true });
    expect(existsSync(join(TERRAFORM, "envs/prod/backend.hcl.example"))).toBe(true);
  });

  test("the example tfvars set every production variable that has no default", async () => {
    const variables = files
      .filter((f) => f.dir === "terraform/envs/prod")
      .flatMap((f) => Object.entries(f.hcl.variable ?? {}))
      .filter(([, bodies]) => !("default" in ((bodies as object[])[0] ?? {})))
      .map(([name]) => name);
    const path = join(TERRAFORM, "envs/prod/terraform.tfvars.example");
    const example = (await parse("terraform.tfvars.example", readFileSync(path, "utf8"))) as object;
    expect(variables.filter((v) => !(v in example))).toEqual([]);
  });
});
