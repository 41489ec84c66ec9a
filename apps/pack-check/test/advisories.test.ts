import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ADVISORIES, findAdvisories, installedPackages, type NpmTree } from "../src/advisories.js";
import { emptyProject, npm, npmInstall } from "../src/scratch.js";

/**
 * What a user's install of the published packages contains: every tarball installed from nothing
 * into one project, production dependencies and required peers only, as npm resolves them.
 */
const tarballs = Object.values(inject("tarballs"));
let project: string;
let tree: NpmTree;

beforeAll(async () => {
  project = await emptyProject("switchboard-advisories-");
  await writeFile(join(project, "package.json"), '{ "name": "advisory-check", "private": true }\n');
  await npmInstall(project, tarballs, ["--omit=dev"]);
  tree = JSON.parse((await npm(project, ["ls", "--all", "--json", "--omit=dev"])).stdout);
});

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe("known advisories in what we publish", () => {
  it("the advisory list starts with ws < 8.17.1 (GHSA-3h5v-q93c-6h6q)", () => {
    expect(ADVISORIES[0]).toMatchObject({
      id: "GHSA-3h5v-q93c-6h6q",
      package: "ws",
      fixed: "8.17.1",
    });
  });

  it("the check finds a listed advisory in a tree: ws 8.13.0 under a fork is flagged", () => {
    const forked: NpmTree = {
      dependencies: { fork: { version: "1.0.0", dependencies: { ws: { version: "8.13.0" } } } },
    };
    expect(findAdvisories(forked).map((finding) => finding.path.join(" > "))).toEqual([
      "fork@1.0.0 > ws@8.13.0",
    ]);
    expect(findAdvisories({ dependencies: { ws: { version: "8.17.1" } } })).toEqual([]);
  });

  it("no published package's production tree holds a version under a listed advisory", () => {
    const findings = findAdvisories(tree).map(
      ({ advisory, path }) =>
        `${advisory.id} (${advisory.severity}, fixed in ${advisory.package} ${advisory.fixed}): ${path.join(" > ")}`,
    );
    console.log(
      `advisory check: ${installedPackages(tree).size} packages installed, ${findings.length} findings`,
    );
    expect(findings).toEqual([]);
  });

  it("npm audit finds no high or critical advisory, where the registry's audit endpoint answers", async (ctx) => {
    let report: { metadata?: { vulnerabilities?: Record<string, number> } };
    try {
      report = JSON.parse((await npm(project, ["audit", "--omit=dev", "--json"])).stdout);
    } catch (error) {
      const output = `${(error as { stdout?: string }).stdout ?? ""}${(error as { stderr?: string }).stderr ?? ""}`;
      const refused = /405|audit endpoint returned an error|ENOAUDIT/i.exec(output);
      if (refused)
        return ctx.skip(
          `npm audit: the registry's audit endpoint does not answer here (${refused[0]})`,
        );
      // npm audit exits 1 when it finds vulnerabilities: read its report.
      report = JSON.parse((error as { stdout?: string }).stdout ?? "{}");
    }
    const counts = report.metadata?.vulnerabilities ?? {};
    expect({ high: counts.high ?? 0, critical: counts.critical ?? 0 }).toEqual({
      high: 0,
      critical: 0,
    });
  });
});
