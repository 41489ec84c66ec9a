import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The workspace root, two levels above this package. */
export const WORKSPACE_ROOT = new URL("../../../", import.meta.url);

/** Finds a workspace package's folder under `packages/` by its name. */
export async function packageDir(name: string): Promise<string> {
  const root = new URL("packages/", WORKSPACE_ROOT);
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = new URL(`${entry.name}/`, root);
    const manifest = JSON.parse(await readFile(new URL("package.json", dir), "utf8"));
    if (manifest.name === name) return dir.pathname;
  }
  throw new Error(`no package named ${name} under packages/`);
}

/**
 * Packs a workspace package with pnpm, which rewrites `workspace:` and `catalog:` versions the
 * way `pnpm publish` does. Resolves to the tarball's path.
 */
export async function pack(name: string, destination: string): Promise<string> {
  const before = new Set(await readdir(destination));
  await run("pnpm", ["pack", "--pack-destination", destination], { cwd: await packageDir(name) });
  const created = (await readdir(destination)).filter((f) => f.endsWith(".tgz") && !before.has(f));
  if (created.length !== 1) throw new Error(`pnpm pack of ${name} made ${created.length} tarballs`);
  return join(destination, created[0] as string);
}
