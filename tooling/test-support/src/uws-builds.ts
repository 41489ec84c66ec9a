import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The uWebSockets.js builds the workspace tests against, each installed under its own registry
 * name. The engine is the user's (a peer dependency of server-uws); these are the builds the
 * registry offers that can be told apart.
 */
export const UWS_BUILDS = [
  {
    name: "uWebSockets.js 20.57.0",
    package: "@btc-vision/uwebsockets.js",
    note: "upstream's binaries, republished; Node 20, 22, 24, 25; glibc 2.38 or later",
  },
  {
    name: "uWebSockets.js 20.30.0",
    package: "@trufflesuite/uws-js-unofficial",
    note: "an archived fork; Node 16, 18, 20; glibc 2.36 is enough",
  },
] as const;

export type UwsBuildName = (typeof UWS_BUILDS)[number]["name"];

/** One build on this runtime: its module when it loads natively, else why it does not. */
export type UwsBuild = { name: UwsBuildName; package: string; version: string } & (
  | { engine: unknown; reason?: undefined }
  | { engine?: undefined; reason: string }
);

const require = createRequire(import.meta.url);

/** Every build, loaded or with the loader's reason. */
export function uwsBuilds(): UwsBuild[] {
  return UWS_BUILDS.map(({ name, package: pkg }) => {
    const version = installedVersion(pkg);
    const build = { name, package: pkg, version };
    try {
      const engine = quietly(() => require(pkg));
      if (isNative(engine)) return { ...build, engine };
      return {
        ...build,
        reason: `${name} has no native binary for ${runtime()} (it fell back to a JavaScript shim)`,
      };
    } catch (error) {
      return {
        ...build,
        reason: `${name} does not load on ${runtime()}: ${loaderReason(error)}`,
      };
    }
  });
}

/** The first build that loads here, or the reasons none does. */
export function loadableUws():
  | { name: UwsBuildName; package: string; version: string; engine: unknown }
  | { reason: string } {
  const builds = uwsBuilds();
  const loaded = builds.find((build) => build.engine !== undefined);
  if (loaded) return { ...loaded, engine: loaded.engine };
  return { reason: builds.map((build) => build.reason).join("; ") };
}

/** The version installed, from its package.json (not every build exports that file). */
function installedVersion(pkg: string): string {
  for (let dir = dirname(require.resolve(pkg)); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      if (manifest.name === pkg) return manifest.version;
    } catch {}
  }
  return "unknown";
}

function isNative(engine: unknown): boolean {
  const app = (engine as { App?: unknown } | null)?.App;
  return typeof app === "function" && String(app).includes("[native code]");
}

function runtime(): string {
  const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } })
    ?.header?.glibcVersionRuntime;
  return `Node.js ${process.version} (ABI ${process.versions.modules}, ${process.platform}-${process.arch}${glibc ? `, glibc ${glibc}` : ""})`;
}

/** The line of a loader error that says why: the missing glibc, else its first line. */
function loaderReason(error: unknown): string {
  const lines = String((error as Error)?.message ?? error).split("\n");
  const glibc = lines.find((line) => /GLIBC_\d/.test(line));
  if (glibc) {
    const needed = /GLIBC_(\d+\.\d+)/.exec(glibc)?.[1];
    return `it needs glibc ${needed} or later`;
  }
  return lines.find((line) => line.trim())?.trim() ?? "unknown error";
}

/** Some builds print a warning when they fall back to their shim; the reason is reported instead. */
function quietly<T>(load: () => T): T {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return load();
  } finally {
    console.warn = warn;
  }
}
