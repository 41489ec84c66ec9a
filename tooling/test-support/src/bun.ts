import { execFileSync } from "node:child_process";

/**
 * The Bun binary to run things under: `bun` on PATH, else the one `bash scripts/runtimes.sh bun`
 * installed in the repository. Undefined when there is neither: what needs Bun is then a skip
 * that says so, never a pass.
 */
export function findBun(repoRoot: string): string | undefined {
  const script = `command -v bun || { source scripts/runtimes.sh && b="$(runtime_bin bun)/bun" && [ -x "$b" ] && echo "$b"; }`;
  try {
    return (
      execFileSync("bash", ["-c", script], { cwd: repoRoot, encoding: "utf8" }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/** How to install Bun, for skip reasons and errors. */
export const INSTALL_BUN = "install it with: bash scripts/runtimes.sh bun";
