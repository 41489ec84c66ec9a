import { connect } from "node:net";
import { WebServer } from "@switchboard/core";
import { describe, expect } from "vitest";
import { eventually, sleep } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";

const CHUNK = 64 * 1024;
/** Upper bound on what the flood route writes while the client is not reading. */
const MAX_CHUNKS = 1024;

/** Streamed responses: chunks, a known length, and backpressure through `writable()`. */
export function streamingCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("HTTP streaming", () => {
    it("streams chunks as they are written, chunked or with a known length", async () => {
      const { httpUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onInit() {
              this.get("/chunks", async (_req, res) => {
                res.header("content-type", "text/plain");
                for (const part of ["a", "b", "c"]) {
                  res.write(part);
                  await sleep(5);
                }
                res.end("!");
              });
              this.get("/sized", async (_req, res) => {
                res.header("content-length", 6);
                res.write("abc");
                await sleep(5);
                res.write("de");
                res.end("f");
              });
            },
          }),
      );
      expect(await (await fetch(httpUrl("/chunks"))).text()).toBe("abc!");
      expect(await (await fetch(httpUrl("/sized"))).text()).toBe("abcdef");
      const head = await fetch(httpUrl("/sized"), { method: "HEAD" });
      expect(head.headers.get("content-length")).toBe("6");
      expect(await head.text()).toBe("");
    });

    it("write() returns false once the engine buffer fills, and writable() resolves as the client reads", async () => {
      const state = { written: 0, blocked: false, resumed: false };
      const { address } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onInit() {
              this.get("/flood", async (_req, res) => {
                const chunk = new Uint8Array(CHUNK).fill(120);
                for (let i = 0; i < MAX_CHUNKS && !state.blocked; i++) {
                  state.written += CHUNK;
                  state.blocked = !res.write(chunk);
                }
                await res.writable();
                state.resumed = true;
                res.end();
              });
            },
          }),
      );
      const socket = connect(address.port, "127.0.0.1");
      let received = 0;
      socket.on("data", (chunk) => {
        received += chunk.byteLength;
      });
      socket.write("GET /flood HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
      socket.pause();
      try {
        await eventually(() => state.blocked, 10_000, "write() to return false");
        // The handler stopped at the first false instead of queueing everything.
        expect(state.written).toBeLessThan(MAX_CHUNKS * CHUNK);
        socket.resume();
        await eventually(
          () => state.resumed && received >= state.written,
          10_000,
          "the rest to arrive",
        );
      } finally {
        socket.destroy();
      }
    });

    it("sends a streamed body of known length with its Content-Length", async () => {
      const total = 1024 * 1024;
      const { httpUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onInit() {
              this.get("/sized", async (_req, res) => {
                res.header("content-length", total);
                for (let offset = 0; offset < total; offset += CHUNK) {
                  if (!res.write(new Uint8Array(CHUNK))) await res.writable();
                }
                res.end();
              });
            },
          }),
      );
      const answer = await fetch(httpUrl("/sized"));
      expect(answer.headers.get("content-length")).toBe(String(total));
      expect(answer.headers.get("transfer-encoding")).toBeNull();
      expect((await answer.arrayBuffer()).byteLength).toBe(total);
    });

    it("streams several megabytes intact when the handler honours backpressure", async () => {
      const total = 8 * 1024 * 1024;
      const { httpUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onInit() {
              this.get("/big", async (_req, res) => {
                res.header("content-length", total);
                for (let offset = 0; offset < total && !res.finished; offset += CHUNK) {
                  const chunk = new Uint8Array(CHUNK).map((_, i) => (offset + i) % 253);
                  if (!res.write(chunk)) await res.writable();
                }
                res.end();
              });
            },
          }),
      );
      const answer = await fetch(httpUrl("/big"));
      const body = new Uint8Array(await answer.arrayBuffer());
      expect(body.byteLength).toBe(total);
      let mismatches = 0;
      for (let i = 0; i < total; i += 4093) if (body[i] !== i % 253) mismatches++;
      expect(mismatches).toBe(0);
    });
  });
}
