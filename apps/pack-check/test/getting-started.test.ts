import { type ChildProcess, spawn } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { waitForLine } from "@switchboard/test-support/children";
import { afterAll, describe, expect, inject, it } from "vitest";
import { WORKSPACE_ROOT } from "../src/pack.js";
import { emptyProject, npm } from "../src/scratch.js";

/**
 * docs/getting-started.md, followed literally in a project made with `npm init -y`: its shell
 * steps run as written (with the packed tarballs standing in for the registry), its two files are
 * saved and run with `npx tsx`, and what the client prints is the transcript the page shows.
 */
const tarballs = inject("tarballs");
const page = await readFile(new URL("docs/getting-started.md", WORKSPACE_ROOT), "utf8");

/** The page's fenced blocks of one kind, in order, with their info string. */
function blocks(lang: string): { info: string; body: string }[] {
  const fence = new RegExp(`^\`\`\`${lang}([^\\n]*)\\n([\\s\\S]*?)^\`\`\`$`, "gm");
  return [...page.matchAll(fence)].map((match) => ({
    info: (match[1] ?? "").trim(),
    body: match[2] ?? "",
  }));
}

/** The sample saved as `name` on the page: the block right after "Save as `name`". */
function sample(name: string): string {
  const at = page.indexOf(`Save as \`${name}\``);
  if (at < 0) throw new Error(`the page no longer says "Save as \`${name}\`"`);
  const after = page.slice(at);
  const match = /```ts[^\n]*\n([\s\S]*?)^```$/m.exec(after);
  if (!match?.[1]) throw new Error(`no ts block after "Save as ${name}"`);
  return match[1];
}

/** Runs one shell line from the page, with `@switchboard/*` names pointing at their tarballs. */
async function runStep(dir: string, line: string): Promise<void> {
  const words = line.trim().split(/\s+/);
  if (words[0] !== "npm") throw new Error(`the install step "${line}" is not an npm command`);
  const args = words.slice(1).map((word) => tarballs[word] ?? word);
  await npm(dir, args);
}

let project: string | undefined;
let server: ChildProcess | undefined;

afterAll(async () => {
  if (server?.pid && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once("exit", resolve));
    process.kill(-server.pid, "SIGTERM");
    await exited;
  }
  if (project) await rm(project, { recursive: true, force: true });
});

describe(`docs/getting-started.md, followed step by step on Node.js ${process.version}`, () => {
  it("installs, starts the chat server, answers /ping, and the client prints the page's transcript", async () => {
    project = await emptyProject("switchboard-getting-started-");
    const dir = project;

    const install = blocks("sh").find((block) =>
      block.body.includes("npm install @switchboard/core"),
    );
    if (!install) throw new Error("the page has no install step");
    for (const line of install.body.split("\n")) {
      const command = line.replace(/#.*$/, "").trim();
      if (command) await runStep(dir, command);
    }

    await writeFile(join(dir, "chat.ts"), sample("chat.ts"));
    await writeFile(join(dir, "client.ts"), sample("client.ts"));
    expect(page).toContain("npx tsx chat.ts");
    expect(page).toContain("npx tsx client.ts");

    server = spawn("npx", ["tsx", "chat.ts"], {
      cwd: dir,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    await waitForLine(server, /listening on/, 60_000, "the chat server from the page");
    expect(await (await fetch("http://127.0.0.1:8080/ping")).text()).toBe("pong");

    const { stdout } = await npm(dir, ["exec", "--", "tsx", "client.ts"]);
    const transcript = blocks("text").find((block) =>
      block.body.includes("alice got: welcome user_1"),
    );
    expect(stdout.trim()).toBe(transcript?.body.trim());
  });
});
