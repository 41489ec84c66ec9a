import semver from "semver";

/**
 * Known advisories of high or critical severity in packages that can reach a published
 * package's production tree. Kept by hand, as the registry's audit endpoint does not answer
 * everywhere; add an entry whenever a dependency changes or an advisory appears.
 */
export const ADVISORIES: readonly Advisory[] = [
  {
    id: "GHSA-3h5v-q93c-6h6q",
    package: "ws",
    vulnerable: ">=2.1.0 <5.2.4 || >=6.0.0 <6.2.3 || >=7.0.0 <7.5.10 || >=8.0.0 <8.17.1",
    fixed: "8.17.1",
    severity: "high",
    summary: "denial of service when handling a request with many HTTP headers",
  },
  {
    id: "GHSA-9crc-q9x8-hgqq",
    package: "vitest",
    vulnerable: "<1.6.1 || >=2.0.0 <2.1.9 || >=3.0.0 <3.0.5",
    fixed: "3.0.5",
    severity: "critical",
    summary: "remote code execution when visiting a malicious site while the API server listens",
  },
  {
    id: "GHSA-3xgq-45jj-v275",
    package: "cross-spawn",
    vulnerable: "<6.0.6 || >=7.0.0 <7.0.5",
    fixed: "7.0.5",
    severity: "high",
    summary: "regular expression denial of service",
  },
  {
    id: "GHSA-grv7-fg5c-xmjg",
    package: "braces",
    vulnerable: "<3.0.3",
    fixed: "3.0.3",
    severity: "high",
    summary: "uncontrolled resource consumption",
  },
];

export interface Advisory {
  id: string;
  package: string;
  /** The affected versions, as a semver range. */
  vulnerable: string;
  /** The first version without it (on the newest affected major). */
  fixed: string;
  severity: "high" | "critical";
  summary: string;
}

/** A node of `npm ls --all --json`. */
export interface NpmTree {
  version?: string;
  dependencies?: Record<string, NpmTree>;
}

/** One installed package under an advisory, with the path that brought it in. */
export interface Finding {
  advisory: Advisory;
  version: string;
  path: string[];
}

/** Every installed package of `tree` that an advisory covers. */
export function findAdvisories(
  tree: NpmTree,
  advisories: readonly Advisory[] = ADVISORIES,
): Finding[] {
  const findings: Finding[] = [];
  const visit = (node: NpmTree, path: string[]) => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      const here = [...path, `${name}@${child.version ?? "?"}`];
      for (const advisory of advisories) {
        if (
          advisory.package === name &&
          child.version &&
          semver.satisfies(child.version, advisory.vulnerable, { includePrerelease: true })
        ) {
          findings.push({ advisory, version: child.version, path: here });
        }
      }
      visit(child, here);
    }
  };
  visit(tree, []);
  return findings;
}

/** Every distinct `name@version` in `tree`. */
export function installedPackages(tree: NpmTree): Set<string> {
  const seen = new Set<string>();
  const visit = (node: NpmTree) => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      seen.add(`${name}@${child.version ?? "?"}`);
      visit(child);
    }
  };
  visit(tree);
  return seen;
}
