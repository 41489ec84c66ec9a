import { execFile } from "node:child_process";
import { cp, mkdtemp, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** The consumer sources copied into the scratch project. */
const CONSUMER_DIR = new URL("../consumer/", import.meta.url);

/** A throwaway project in the OS temp folder, outside the workspace and its node_modules. */
export async function createScratchProject(): Promise<string> {
  const dir = await emptyProject("switchboard-consumer-");
  await writeFile(
    join(dir, "package.json"),
    `${JSON.stringify({ name: "switchboard-consumer", private: true, type: "module" }, null, 2)}\n`,
  );
  await cp(CONSUMER_DIR, dir, { recursive: true });
  return dir;
}

/** An empty folder in the OS temp folder, for a project made from nothing. */
export function emptyProject(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** `name@version` with the version this workspace has installed. */
export function pinned(name: string): string {
  return `${name}@${require(`${name}/package.json`).version}`;
}

/**
 * Installs the tarballs together, so a dependency between them (server-ws → core) resolves to the
 * tarball, and everything else (ws, bufferutil) from the registry, as for a real user.
 */
export async function npmInstall(
  dir: string,
  specs: string[],
  flags: string[] = [],
): Promise<void> {
  await npm(dir, ["install", "--no-fund", "--loglevel=error", ...flags, ...specs]);
}

/** Runs npm in `dir` as a user would; a failure carries npm's output. */
export async function npm(
  dir: string,
  args: string[],
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run("npm", args, {
      cwd: dir,
      env: withoutPackageManagerVars(process.env),
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw Object.assign(new Error(`npm ${args.join(" ")} failed:\n${stdout}${stderr}`), {
      stdout,
      stderr,
    });
  }
}

/**
 * pnpm hands its scripts npm_* variables meant for itself (its own rc as `globalconfig`, its
 * node-gyp, frozen-lockfile…); npm would read them as its config. Keep only the network settings.
 */
const KEPT_NPM_CONFIG = /^npm_config_(registry|cafile|proxy|https_proxy|noproxy|strict_ssl)$/i;

function withoutPackageManagerVars(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([key]) => !/^(npm|pnpm)_/i.test(key) || KEPT_NPM_CONFIG.test(key)),
  );
}
