import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// The built entries live in dist/; this module runs from dist/ (bench) or src/ (tests).
const here = dirname(fileURLToPath(import.meta.url));
export const distDir = basename(here) === "dist" ? here : join(here, "..", "dist");
export const appDir = join(distDir, "..");
export const repoRoot = join(appDir, "..", "..");
