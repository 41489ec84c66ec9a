import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pack } from "../src/pack.js";
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

beforeAll(async () => {
  tarballs = await mkdtemp(join(tmpdir(), "switchboard-tarballs-"));
  const packed = [];
  for (const name of PACKED_PACKAGES) packed.push(await pack(name, tarballs));
  project = await createScratchProject();
  await npmInstall(project, [...packed, ...CONSUMER_DEPENDENCIES.map(pinned)]);
});

afterAll(async () => {
  for (const dir of [tarballs, project]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the list of packed packages", () => {
  it("names only devDependencies of this package, so turbo builds them before the check", async () => {
    const manifest = JSON.parse(
      await readFile(new URL("../package.json", import.meta.url), "utf8"),
    );
    for (const name of PACKED_PACKAGES) expect(manifest.devDependencies).toHaveProperty([name]);
  });
});

describe(`the packed tarballs (${PACKED_PACKAGES.join(", ")}) installed with npm`, () => {
  it.each(["consumer.mjs", "consumer.cjs"])("%s starts a server and round-trips", async (file) => {
    const { stdout } = await run(process.execPath, [file], { cwd: project });
    expect(stdout.trim()).toBe(`ok ${file.endsWith(".mjs") ? "esm" : "cjs"}`);
  });

  it.concurrent.each(["node16", "nodenext"])(
    "types resolve for ESM and CJS TypeScript (%s)",
    async (mode) => {
      await run(process.execPath, [tsc, "-p", `tsconfig.${mode}.json`], { cwd: project });
    },
  );

  it("resolves server-ws's dependency on core to the tarball, not the registry", async () => {
    const { stdout } = await run("npm", ["ls", "--all", "--json", "@switchboard/core"], {
      cwd: project,
    });
    const tree = JSON.parse(stdout);
    expect(tree.dependencies["@switchboard/core"].resolved).toMatch(/^file:.*\.tgz$/);
  });
});
