import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveStatic, WebServer } from "@switchboard/core";
import { afterAll, beforeAll, describe, expect } from "vitest";
import type { SuiteContext } from "../support/context.js";
import { bodyOf, rawRequest } from "../support/raw.js";
import { patternBytes } from "../support/servers.js";

const SECRET = "TOP-SECRET-d41d8cd98f00";
const SIBLING_SECRET = "SIBLING-SECRET-9e107d9d372b";

interface Tree {
  base: string;
  root: string;
  secretPath: string;
  big: Uint8Array;
}

/** A document root next to files that must never be served. */
async function makeTree(): Promise<Tree> {
  const base = await mkdtemp(join(tmpdir(), "switchboard-static-"));
  const root = join(base, "public");
  await mkdir(join(root, "sub"), { recursive: true });
  // A sibling whose name starts like the root's: a naive prefix check would let it through.
  await mkdir(join(base, "public-sibling"));
  const secretPath = join(base, "secret.txt");
  await writeFile(secretPath, SECRET);
  await writeFile(join(base, "public-sibling", "secret.txt"), SIBLING_SECRET);
  await writeFile(join(root, "index.html"), "<h1>home</h1>");
  await writeFile(join(root, "hello.txt"), "hello world");
  await writeFile(join(root, "data.json"), '{"ok":true}');
  await writeFile(join(root, "app.js"), "export {};");
  await writeFile(join(root, "style.css"), "body{}");
  await writeFile(join(root, "unknown.xyz"), "?");
  await writeFile(join(root, ".env"), SECRET);
  await writeFile(join(root, "sub", "index.html"), "<h1>sub</h1>");
  const big = patternBytes(3 * 1024 * 1024 + 17, 7);
  await writeFile(join(root, "big.bin"), big);
  await symlink(secretPath, join(root, "escape"));
  await symlink(base, join(root, "escape-dir"));
  await symlink(join(root, "hello.txt"), join(root, "inner-link"));
  return { base, root, secretPath, big };
}

/** Attack paths, each meant to reach a file outside the root. Sent raw: fetch would normalise them. */
function traversalCorpus(secretPath: string): string[] {
  const absolute = secretPath.split("/").map(encodeURIComponent).join("/");
  return [
    "/static/../secret.txt",
    "/static/../../secret.txt",
    "/static/sub/../../secret.txt",
    "/static/./../secret.txt",
    "/static/%2e%2e/secret.txt",
    "/static/%2E%2e/secret.txt",
    "/static/.%2e/secret.txt",
    "/static/%2e./secret.txt",
    "/static/%2e%2e%2fsecret.txt",
    "/static/..%2fsecret.txt",
    "/static/..%2Fsecret.txt",
    "/static/..%5csecret.txt",
    "/static/..%5Csecret.txt",
    "/static/..\\secret.txt",
    "/static/\\..\\secret.txt",
    "/static/%252e%252e/secret.txt",
    "/static/%252e%252e%252fsecret.txt",
    "/static/..%252fsecret.txt",
    "/static/%00../secret.txt",
    "/static/..%00/secret.txt",
    `/static/${absolute}`,
    `/static/${absolute.replaceAll("/", "%2f")}`,
    "/static/escape",
    "/static/escape-dir/secret.txt",
    "/static/escape-dir/public-sibling/secret.txt",
    "/static/..%2fpublic-sibling%2fsecret.txt",
    "/static/../public-sibling/secret.txt",
    "/static/..%c0%afsecret.txt",
    "/static/..%u2216secret.txt",
    "/static/..;/secret.txt",
    "/static/....//secret.txt",
    "/static/.env",
  ];
}

/** Static files: content types, caching validators, ranges, and refusal of every traversal. */
export function staticCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("static files", () => {
    let tree: Tree;
    beforeAll(async () => {
      tree = await makeTree();
    });
    afterAll(async () => {
      await rm(tree.base, { recursive: true, force: true });
    });

    const start = (options: Parameters<typeof serveStatic>[1] = {}) =>
      ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onError: () => {},
            onInit() {
              this.get("/static/*", serveStatic(tree.root, options));
            },
          }),
      );

    it("answers 404 for a FIFO in the root without waiting on it, and keeps serving files", async () => {
      const fifo = join(tree.root, "pipe");
      await new Promise<void>((resolve, reject) =>
        execFile("mkfifo", [fifo], (error) => (error ? reject(error) : resolve())),
      );
      try {
        const { httpUrl } = await start();
        // More than libuv's four pool threads: a blocking open would leave none for files.
        const answers = await Promise.all(
          Array.from({ length: 6 }, () => fetch(httpUrl("/static/pipe"))),
        );
        expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 404, 404, 404]);
        const file = await fetch(httpUrl("/static/hello.txt"));
        expect(await file.text()).toBe("hello world");
      } finally {
        await rm(fifo, { force: true });
      }
    });

    it("serves files with content types by extension, and index files for directories", async () => {
      const { httpUrl } = await start();
      const expected: [string, string, string][] = [
        ["/static/hello.txt", "text/plain; charset=utf-8", "hello world"],
        ["/static/data.json", "application/json; charset=utf-8", '{"ok":true}'],
        ["/static/app.js", "text/javascript; charset=utf-8", "export {};"],
        ["/static/style.css", "text/css; charset=utf-8", "body{}"],
        ["/static/unknown.xyz", "application/octet-stream", "?"],
        ["/static/", "text/html; charset=utf-8", "<h1>home</h1>"],
        ["/static/sub/", "text/html; charset=utf-8", "<h1>sub</h1>"],
        ["/static/sub", "text/html; charset=utf-8", "<h1>sub</h1>"],
        // A link inside the root is served, typed by the file it points to.
        ["/static/inner-link", "text/plain; charset=utf-8", "hello world"],
      ];
      for (const [path, type, body] of expected) {
        const answer = await fetch(httpUrl(path));
        expect(answer.status, path).toBe(200);
        expect(answer.headers.get("content-type"), path).toBe(type);
        expect(await answer.text(), path).toBe(body);
      }
      expect((await fetch(httpUrl("/static/missing.txt"))).status).toBe(404);
      expect((await fetch(httpUrl("/static/.env"))).status).toBe(404);
      const head = await fetch(httpUrl("/static/hello.txt"), { method: "HEAD" });
      expect(head.headers.get("content-length")).toBe("11");
      expect(await head.text()).toBe("");
    });

    it("serves a fallback file for unknown paths when asked to, and no index when index is false", async () => {
      const { httpUrl } = await start({ fallback: "index.html", index: false });
      const deep = await fetch(httpUrl("/static/app/route/42"));
      expect(deep.status).toBe(200);
      expect(await deep.text()).toBe("<h1>home</h1>");
      expect(await (await fetch(httpUrl("/static/sub/"))).text()).toBe("<h1>home</h1>");
      expect(await (await fetch(httpUrl("/static/hello.txt"))).text()).toBe("hello world");
    });

    it("sends ETag and Last-Modified, and answers 304 to If-None-Match and If-Modified-Since", async () => {
      const { httpUrl } = await start({ maxAge: 60 });
      const first = await fetch(httpUrl("/static/hello.txt"));
      const etag = first.headers.get("etag") as string;
      const lastModified = first.headers.get("last-modified") as string;
      expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
      expect(Number.isNaN(Date.parse(lastModified))).toBe(false);
      expect(first.headers.get("cache-control")).toBe("public, max-age=60");
      const byTag = await fetch(httpUrl("/static/hello.txt"), {
        headers: { "if-none-match": `"x", ${etag}` },
      });
      expect(byTag.status).toBe(304);
      expect(byTag.headers.get("etag")).toBe(etag);
      expect(await byTag.text()).toBe("");
      const byDate = await fetch(httpUrl("/static/hello.txt"), {
        headers: { "if-modified-since": lastModified },
      });
      expect(byDate.status).toBe(304);
      const changed = await fetch(httpUrl("/static/hello.txt"), {
        headers: { "if-none-match": '"other"' },
      });
      expect(changed.status).toBe(200);
      expect(await changed.text()).toBe("hello world");
      const old = await fetch(httpUrl("/static/hello.txt"), {
        headers: { "if-modified-since": new Date(Date.parse(lastModified) - 60_000).toUTCString() },
      });
      expect(old.status).toBe(200);
    });

    it("answers single byte ranges with 206 and Content-Range, and unsatisfiable ones with 416", async () => {
      const { httpUrl } = await start();
      const range = async (value: string, extra: Record<string, string> = {}) =>
        fetch(httpUrl("/static/hello.txt"), { headers: { range: value, ...extra } });
      const first = await range("bytes=0-4");
      expect(first.status).toBe(206);
      expect(first.headers.get("content-range")).toBe("bytes 0-4/11");
      expect(first.headers.get("content-length")).toBe("5");
      expect(await first.text()).toBe("hello");
      const suffix = await range("bytes=-5");
      expect(suffix.headers.get("content-range")).toBe("bytes 6-10/11");
      expect(await suffix.text()).toBe("world");
      const open = await range("bytes=6-");
      expect(await open.text()).toBe("world");
      const clipped = await range("bytes=6-999");
      expect(clipped.headers.get("content-range")).toBe("bytes 6-10/11");
      const beyond = await range("bytes=11-");
      expect(beyond.status).toBe(416);
      expect(beyond.headers.get("content-range")).toBe("bytes */11");
      const several = await range("bytes=0-1,4-5");
      expect(several.status).toBe(200);
      expect(await several.text()).toBe("hello world");
      const etag = first.headers.get("etag") as string;
      expect((await range("bytes=0-4", { "if-range": etag })).status).toBe(206);
      expect((await range("bytes=0-4", { "if-range": '"stale"' })).status).toBe(200);
    });

    it("sends a large file with its Content-Length", async () => {
      const { httpUrl } = await start();
      const whole = await fetch(httpUrl("/static/big.bin"));
      expect(whole.headers.get("content-length")).toBe(String(tree.big.byteLength));
      expect((await whole.arrayBuffer()).byteLength).toBe(tree.big.byteLength);
    });

    it("streams a large file intact, whole and in a range", async () => {
      const { httpUrl } = await start();
      const whole = await fetch(httpUrl("/static/big.bin"));
      expect(Buffer.from(await whole.arrayBuffer()).equals(Buffer.from(tree.big))).toBe(true);
      const [first, last] = [1_000_000, 2_500_000];
      const part = await fetch(httpUrl("/static/big.bin"), {
        headers: { range: `bytes=${first}-${last}` },
      });
      expect(part.status).toBe(206);
      expect(
        Buffer.from(await part.arrayBuffer()).equals(
          Buffer.from(tree.big.subarray(first, last + 1)),
        ),
      ).toBe(true);
    });

    it("refuses every path of a traversal corpus without ever sending a file from outside the root", async () => {
      const { address } = await start();
      const corpus = traversalCorpus(tree.secretPath);
      expect(corpus.length).toBeGreaterThanOrEqual(20);
      const outcomes = await Promise.all(
        corpus.map((path) =>
          rawRequest(
            address.port,
            `GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`,
            3000,
          ),
        ),
      );
      for (const [index, outcome] of outcomes.entries()) {
        const path = corpus[index];
        expect(outcome.text, path).not.toContain(SECRET);
        expect(outcome.text, path).not.toContain(SIBLING_SECRET);
        expect([400, 404], path).toContain(outcome.status);
      }
      // The same server still serves what is inside the root.
      const fine = await rawRequest(
        address.port,
        "GET /static/hello.txt HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
      );
      expect(bodyOf(fine.text)).toBe("hello world");
    });
  });
}
