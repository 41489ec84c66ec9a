import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pack } from "../src/pack.js";
import { PACKED_PACKAGES } from "../src/packages.js";

/** What the setup hands to the tests through `inject`. */
declare module "vitest" {
  export interface ProvidedContext {
    /** Each published package's tarball, packed once for every test file. */
    tarballs: Record<string, string>;
  }
}

/** Packs every published package once, for all the test files. */
export default async function setup(project: {
  provide(key: "tarballs", value: Record<string, string>): void;
}) {
  const dir = await mkdtemp(join(tmpdir(), "switchboard-tarballs-"));
  const tarballs: Record<string, string> = {};
  for (const name of PACKED_PACKAGES) tarballs[name] = await pack(name, dir);
  const sizes: Record<string, number> = {};
  for (const [name, file] of Object.entries(tarballs)) sizes[name] = (await stat(file)).size;
  console.log("packed tarball bytes:", sizes);
  project.provide("tarballs", tarballs);
  return () => rm(dir, { recursive: true, force: true });
}
