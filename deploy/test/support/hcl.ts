/**
 * The HCL parser (@cdktf/hcl2json: HashiCorp's own HCL library compiled to WASM). Loaded through a
 * non-literal specifier so TypeScript does not read its declarations, which pull in lib "dom"
 * and would change the global Headers/ReadableStream types for the whole monorepo.
 */
const moduleName: string = "@cdktf/hcl2json";
const hcl2json = (await import(moduleName)) as { parse(file: string, text: string): Promise<unknown> };

/** Parses HCL into hcl2json's JSON; rejects with "<file>:<line>,<col>: ..." on a syntax error. */
export function parseHcl(file: string, text: string): Promise<unknown> {
  return hcl2json.parse(file, text);
}
