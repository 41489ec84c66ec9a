// Keeps the prose honest: every code block that names a sample file shows exactly that file, no
// TypeScript or JavaScript block is unchecked unless it is marked as another library's code, every
// sample is shown somewhere, and every relative link (and #anchor) resolves.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Files other branches of the repository provide; a link to one is fine while it is missing. */

/** The Markdown the checks cover: the root README, the guides, and each package's README. */
function pages(): string[] {
  const found = ["README.md"];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && path !== join("docs", "api")) walk(path);
      else if (entry.name.endsWith(".md")) found.push(path);
    }
  };
  walk("docs");
  for (const pkg of readdirSync(join(ROOT, "packages"))) {
    if (existsSync(join(ROOT, "packages", pkg, "README.md")))
      found.push(join("packages", pkg, "README.md"));
  }
  return found;
}

interface Block {
  info: string;
  body: string;
  line: number;
}

/** Fenced code blocks, and the text outside them. */
function parse(markdown: string): { blocks: Block[]; prose: string } {
  const blocks: Block[] = [];
  let prose = "";
  let open: { fence: string; info: string; line: number; body: string[] } | undefined;
  markdown.split("\n").forEach((text, index) => {
    const fence = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(text);
    if (open) {
      if (fence?.[2]?.startsWith(open.fence) && fence[3]?.trim() === "") {
        blocks.push({ info: open.info, body: open.body.join("\n"), line: open.line });
        open = undefined;
      } else open.body.push(text);
    } else if (fence) {
      open = { fence: fence[2] ?? "```", info: (fence[3] ?? "").trim(), line: index + 1, body: [] };
    } else prose += `${text}\n`;
  });
  return { blocks, prose };
}

/** GitHub's heading anchors. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of parse(markdown).prose.split("\n")) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = (heading[1] ?? "")
      .toLowerCase()
      .replace(/`/g, "")
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

const attribute = (info: string, name: string) =>
  new RegExp(`(?:^|\\s)${name}=("([^"]*)"|\\S+)`).exec(info)?.[2] ??
  new RegExp(`(?:^|\\s)${name}=(\\S+)`).exec(info)?.[1];

const CODE_LANGUAGES = new Set(["ts", "typescript", "js", "javascript", "tsx", "mjs", "cjs"]);

describe.each(pages())("%s", (page) => {
  const markdown = readFileSync(join(ROOT, page), "utf8");
  const { blocks, prose } = parse(markdown);

  it("shows each sample file verbatim, and no unchecked code of ours", () => {
    for (const block of blocks) {
      const file = attribute(block.info, "file");
      const where = `${page}:${block.line}`;
      if (file) {
        expect(existsSync(join(ROOT, file)), `${where}: ${file} does not exist`).toBe(true);
        const content = readFileSync(join(ROOT, file), "utf8").trimEnd();
        expect(block.body.trimEnd(), `${where} differs from ${file}`).toBe(content);
      } else if (CODE_LANGUAGES.has(block.info.split(/\s/)[0] ?? "")) {
        expect(
          attribute(block.info, "title"),
          `${where}: a code block needs file=examples/docs/… (or title="… (before)" for another library's code)`,
        ).toBeTruthy();
      }
    }
  });

  it("has relative links that resolve, anchors included", () => {
    const links = [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1] ?? "");
    for (const link of links) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue;
      const [target = "", anchor] = link.split("#");
      const path = target === "" ? join(ROOT, page) : resolve(dirname(join(ROOT, page)), target);
      const name = relative(ROOT, path);
      expect(existsSync(path), `${page}: broken link ${link} (${name})`).toBe(true);
      if (anchor && statSync(path).isFile() && path.endsWith(".md")) {
        expect(anchors(readFileSync(path, "utf8")), `${page}: no heading for ${link}`).toContain(
          anchor,
        );
      }
    }
  });
});

describe("the samples under examples/docs", () => {
  it("are each shown on at least one page", () => {
    const shown = new Set(
      pages().flatMap((page) =>
        parse(readFileSync(join(ROOT, page), "utf8")).blocks.map((b) => attribute(b.info, "file")),
      ),
    );
    for (const file of readdirSync(join(ROOT, "examples", "docs"))) {
      if (!file.endsWith(".ts")) continue;
      expect(shown, `examples/docs/${file} is on no page`).toContain(`examples/docs/${file}`);
    }
  });
});
