import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pack, WORKSPACE_ROOT } from "../src/pack.js";
import { CONSUMER_DEPENDENCIES, PACKED_PACKAGES } from "../src/packages.js";
import { createScratchProject, npmInstall, pinned } from "../src/scratch.js";

const execFileAsync = promisify(execFile);

/** Runs a command; on failure the error carries its output, so the test report shows why. */
async function run(command: string, args: string[], options: { cwd: string }) {
  try {
    return await execFileAsync(command, args, options);
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed:\n${stdout}${stderr}`);
  }
}
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

let tarballs: string;
let project: string;
/** Each package's tarball path. */
const packed = new Map<string, string>();

beforeAll(async () => {
  tarballs = await mkdtemp(join(tmpdir(), "switchboard-tarballs-"));
  for (const name of PACKED_PACKAGES) packed.set(name, await pack(name, tarballs));
  const sizes: Record<string, number> = {};
  for (const [name, file] of packed) sizes[name] = (await stat(file)).size;
  console.log("packed tarball bytes:", sizes);
  project = await createScratchProject();
  await npmInstall(project, [...packed.values(), ...CONSUMER_DEPENDENCIES.map(pinned)]);
});

/** The manifests of every package under packages/. */
async function workspacePackages(): Promise<{ dir: string; manifest: Record<string, unknown> }[]> {
  const root = new URL("packages/", WORKSPACE_ROOT);
  const found = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = new URL(`${entry.name}/`, root);
    found.push({
      dir: dir.pathname,
      manifest: JSON.parse(await readFile(new URL("package.json", dir), "utf8")),
    });
  }
  return found;
}

afterAll(async () => {
  for (const dir of [tarballs, project]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the list of packed packages", () => {
  it("is every public package of the workspace", async () => {
    const published = (await workspacePackages())
      .filter(({ manifest }) => manifest.private !== true)
      .map(({ manifest }) => manifest.name);
    expect([...PACKED_PACKAGES].sort()).toEqual(published.sort());
  });

  it("names only devDependencies of this package, so turbo builds them before the check", async () => {
    const manifest = JSON.parse(
      await readFile(new URL("../package.json", import.meta.url), "utf8"),
    );
    for (const name of PACKED_PACKAGES) expect(manifest.devDependencies).toHaveProperty([name]);
  });
});

describe("each packed tarball", () => {
  it.each(PACKED_PACKAGES)(
    "%s has its README, LICENSE, build and release metadata",
    async (name) => {
      const file = packed.get(name) as string;
      const { stdout } = await run("tar", ["-tzf", file], { cwd: tarballs });
      const files = stdout.split("\n");
      for (const required of [
        "package/README.md",
        "package/LICENSE",
        "package/dist/index.js",
        "package/dist/index.cjs",
        "package/dist/index.d.ts",
        "package/dist/index.d.cts",
      ]) {
        expect(files, `${name} lacks ${required}`).toContain(required);
      }
      const manifest = JSON.parse(
        (await run("tar", ["-xzOf", file, "package/package.json"], { cwd: tarballs })).stdout,
      );
      expect(manifest.license).toBe("MIT");
      expect(manifest.description).toBeTruthy();
      expect(manifest.keywords?.length).toBeGreaterThan(0);
      expect(manifest.repository?.directory).toMatch(/^packages\//);
      expect(manifest.engines?.node).toBeTruthy();
      expect(JSON.stringify(manifest)).not.toMatch(/workspace:|catalog:/);
    },
  );

  it("each package's LICENSE is the repository's", async () => {
    const license = await readFile(new URL("LICENSE", WORKSPACE_ROOT), "utf8");
    for (const { dir, manifest } of await workspacePackages()) {
      if (manifest.private === true) continue;
      expect(await readFile(join(dir, "LICENSE"), "utf8"), `${dir}LICENSE`).toBe(license);
    }
  });

  it("client-browser has no runtime dependencies", async () => {
    const file = packed.get("@switchboard/client-browser") as string;
    const manifest = JSON.parse(
      (await run("tar", ["-xzOf", file, "package/package.json"], { cwd: tarballs })).stdout,
    );
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependencies ?? {}).toEqual({});
  });
});

describe(`the packed tarballs (${PACKED_PACKAGES.join(", ")}) installed with npm`, () => {
  it.each(["consumer.mjs", "consumer.cjs"])(
    "%s runs a server on each backend, round-trips with raw ws and client-node, loads the rest",
    async (file) => {
      const { stdout } = await run(process.execPath, [file], { cwd: project });
      expect(stdout.trim()).toBe(`ok ${file.endsWith(".mjs") ? "esm" : "cjs"}`);
    },
  );

  it.concurrent.each(["node16", "nodenext"])(
    "types resolve for ESM and CJS TypeScript (%s)",
    async (mode) => {
      await run(process.execPath, [tsc, "-p", `tsconfig.${mode}.json`], { cwd: project });
    },
  );

  it("resolves the packages' dependencies on core to the one tarball, not the registry", async () => {
    const { stdout } = await run("npm", ["ls", "--all", "--json", "@switchboard/core"], {
      cwd: project,
    });
    const tree = JSON.parse(stdout);
    expect(tree.dependencies["@switchboard/core"].resolved).toMatch(/^file:.*\.tgz$/);
    for (const name of [
      "@switchboard/server-ws",
      "@switchboard/server-uws",
      "@switchboard/pubsub-redis",
    ]) {
      const core = tree.dependencies[name].dependencies?.["@switchboard/core"];
      expect(core?.resolved ?? "deduped", `${name}'s core`).not.toMatch(/registry/);
    }
  });
});
