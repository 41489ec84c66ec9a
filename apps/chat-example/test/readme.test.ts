import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";

const root = new URL("../../../", import.meta.url);

/** The `class ChatServer … }` block of a TypeScript source or README code sample. */
function chatServerClass(text: string): string {
  const start = text.indexOf("export class ChatServer");
  const end = text.indexOf("\n}\n", start);
  if (start === -1 || end === -1) throw new Error("no ChatServer class found");
  return text.slice(start, end + 2);
}

describe("the README", () => {
  it("shows the chat example's ChatServer class exactly as the app runs it", async () => {
    const source = await readFile(new URL("apps/chat-example/src/server.ts", root), "utf8");
    const readme = await readFile(new URL("README.md", root), "utf8");
    expect(chatServerClass(readme)).toBe(chatServerClass(source));
  });
});
