import { execFile } from "node:child_process";
import { readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { type RedisServer, startRedis } from "@switchboard/test-support/redis-server";
import { loadableUws } from "@switchboard/test-support/uws-builds";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { WORKSPACE_ROOT } from "../src/pack.js";
import { CONSUMER_DEPENDENCIES, PACKED_PACKAGES } from "../src/packages.js";
import { createScratchProject, npm, npmInstall, pinned } from "../src/scratch.js";

const execFileAsync = promisify(execFile);

/** Runs a command; on failure the error carries its output, so the test report shows why. */
async function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
) {
  try {
    return await execFileAsync(command, args, options);
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed:\n${stdout}${stderr}`);
  }
}
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

const packed = new Map(Object.entries(inject("tarballs")));
const tarballs = (packed.get("@switchboard/core") as string).replace(/\/[^/]+$/, "");

/**
 * uWebSockets.js is the user's: the consumer installs the build that loads on this Node.js under
 * the engine's own name, as a user would. Where none loads, the uWS checks are named skips.
 */
const uws = loadableUws();
const uwsSpec = "engine" in uws ? `uWebSockets.js@npm:${uws.package}@${uws.version}` : undefined;

let project: string;
let redis: RedisServer | undefined;

beforeAll(async () => {
  project = await createScratchProject();
  await npmInstall(project, [
    ...packed.values(),
    ...CONSUMER_DEPENDENCIES.map(pinned),
    ...(uwsSpec ? [uwsSpec] : []),
  ]);
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
  if (project) await rm(project, { recursive: true, force: true });
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

/** A packed tarball's package.json. */
async function packedManifest(name: string): Promise<Record<string, Record<string, string>>> {
  const file = packed.get(name) as string;
  return JSON.parse(
    (await run("tar", ["-xzOf", file, "package/package.json"], { cwd: tarballs })).stdout,
  );
}

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
      const manifest = await packedManifest(name);
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
    const manifest = await packedManifest("@switchboard/client-browser");
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependencies ?? {}).toEqual({});
  });

  it.each([
    "@switchboard/server-ws",
    "@switchboard/server-uws",
    "@switchboard/server-bun",
    "@switchboard/pubsub-redis",
  ])("%s takes core as a peer dependency, so an application has one copy of it", async (name) => {
    const manifest = await packedManifest(name);
    expect(manifest.dependencies?.["@switchboard/core"]).toBeUndefined();
    expect(manifest.peerDependencies?.["@switchboard/core"]).toMatch(/^\^\d/);
  });

  it("server-uws takes uWebSockets.js from the user: an optional peer, no fork in its dependencies", async () => {
    const manifest = await packedManifest("@switchboard/server-uws");
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependencies?.["uWebSockets.js"]).toBeTruthy();
    expect(manifest.peerDependenciesMeta?.["uWebSockets.js"]).toEqual({ optional: true });
  });

  it("server-ws takes bufferutil as an optional peer, as ws does", async () => {
    const manifest = await packedManifest("@switchboard/server-ws");
    expect(manifest.dependencies?.bufferutil).toBeUndefined();
    expect(manifest.peerDependenciesMeta?.bufferutil).toEqual({ optional: true });
  });
});

describe(`the packed tarballs (${PACKED_PACKAGES.join(", ")}) installed with npm`, () => {
  const env = () => ({
    ...process.env,
    REDIS_URL: redis?.url ?? "",
    UWS_ABSENT: uwsSpec ? "0" : "1",
  });

  it.each(["consumer.mjs", "consumer.cjs"])(
    "%s runs a server on each backend, round-trips with raw ws and client-node, loads the rest",
    async (file) => {
      const { stdout } = await run(process.execPath, [file], { cwd: project, env: env() });
      const lines = stdout.trim().split("\n");
      expect(lines.at(-1)).toBe(`ok ${file.endsWith(".mjs") ? "esm" : "cjs"}`);
      // Where no uWS build loads, uwsBackend() refused with ENGINE_UNAVAILABLE, and said so.
      expect(lines.some((line) => line.startsWith("skipped uws:"))).toBe(!uwsSpec);
    },
  );

  // Reported, not left out: the consumers above ran on ws only.
  if (!uwsSpec && "reason" in uws)
    it.skip(`the uWS round trip (cannot run: ${uws.reason})`, () => {});

  it.concurrent.each(["node16", "nodenext"])(
    "types resolve for ESM and CJS TypeScript (%s)",
    async (mode) => {
      await run(process.execPath, [tsc, "-p", `tsconfig.${mode}.json`], { cwd: project });
    },
  );

  it("installs one copy of core, the tarball, under every package that builds on it", async () => {
    const { stdout } = await npm(project, ["ls", "--all", "--json", "@switchboard/core"]);
    const tree = JSON.parse(stdout);
    expect(tree.dependencies["@switchboard/core"].resolved).toMatch(/^file:.*\.tgz$/);
    for (const name of [
      "@switchboard/server-ws",
      "@switchboard/server-uws",
      "@switchboard/server-bun",
      "@switchboard/pubsub-redis",
    ]) {
      const core = tree.dependencies[name].dependencies?.["@switchboard/core"];
      // npm lists a peer it resolved to the top-level copy as "deduped"; a nested copy would be another install.
      expect(core?.resolved ?? "deduped", `${name}'s core`).not.toMatch(/registry/);
    }
    const { stdout: paths } = await npm(project, [
      "ls",
      "--all",
      "--parseable",
      "@switchboard/core",
    ]);
    const installed = new Set(
      paths
        .trim()
        .split("\n")
        .filter((line) => line.endsWith("/@switchboard/core")),
    );
    expect([...installed]).toEqual([join(project, "node_modules/@switchboard/core")]);
  });
});
