import { type SseStream, WebServer } from "@switchboard/core";
import { describe, expect } from "vitest";
import { eventually } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";

/** Reads a streamed body until `done(text)` holds, then stops reading. */
async function readUntil(
  response: Response,
  done: (text: string) => boolean,
  maxChunks = 1000,
): Promise<string> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (let i = 0; i < maxChunks && !done(text); i++) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

/** Server-Sent Events through `res.sse()`. */
export function sseCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("Server-Sent Events", () => {
    it("sends events with event, id, retry and multi-line data as separate data: lines", async () => {
      const { httpUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onInit() {
              this.get("/events", (_req, res) => {
                const stream = res.sse({ keepAliveMs: 0 });
                stream.send({ event: "greet", id: 1, data: "line one\nline two\r\nline three" });
                stream.send({ data: { a: [1, 2] } });
                stream.send({ retry: 2500, data: "r" });
                stream.send("bare");
                stream.comment("note");
                stream.close();
              });
            },
          }),
      );
      const answer = await fetch(httpUrl("/events"));
      expect(answer.status).toBe(200);
      expect(answer.headers.get("content-type")).toBe("text/event-stream");
      expect(answer.headers.get("cache-control")).toBe("no-cache");
      expect(await answer.text()).toBe(
        ": connected\n\n" +
          "event: greet\nid: 1\ndata: line one\ndata: line two\ndata: line three\n\n" +
          'data: {"a":[1,2]}\n\n' +
          "retry: 2500\ndata: r\n\n" +
          "data: bare\n\n" +
          ": note\n\n",
      );
    });

    it("opens at once with the retry hint and sends periodic keep-alive comments", async () => {
      const { httpUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onInit() {
              this.get("/idle", (_req, res) => void res.sse({ keepAliveMs: 20, retryMs: 3000 }));
            },
          }),
      );
      const answer = await fetch(httpUrl("/idle"));
      const text = await readUntil(answer, (t) => t.split(": keep-alive\n\n").length >= 3);
      expect(text.startsWith("retry: 3000\n\n")).toBe(true);
      expect(text.split(": keep-alive\n\n").length).toBeGreaterThanOrEqual(3);
    });

    it("detects a client that goes away: onClose runs and further sends return false", async () => {
      let stream: SseStream | undefined;
      let closedSeen = false;
      const { httpUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onInit() {
              this.get("/watch", (_req, res) => {
                stream = res.sse({ keepAliveMs: 0 });
                stream.onClose(() => {
                  closedSeen = true;
                });
                stream.send({ event: "ready", data: "1" });
              });
            },
          }),
      );
      const abort = new AbortController();
      const answer = await fetch(httpUrl("/watch"), { signal: abort.signal });
      const text = await readUntil(answer, (t) => t.includes("event: ready"));
      expect(text).toContain("data: 1");
      abort.abort();
      await eventually(() => closedSeen, 5000, "onClose after the client left");
      expect(stream?.closed).toBe(true);
      expect(stream?.send({ data: "too late" })).toBe(false);
    });

    it("refuses an event name with a line break instead of corrupting the stream", async () => {
      const errors: unknown[] = [];
      const { httpUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onError: (error) => void errors.push(error),
            onInit() {
              this.get("/bad", (_req, res) => {
                const stream = res.sse({ keepAliveMs: 0 });
                try {
                  stream.send({ event: "a\ndata: forged", data: "x" });
                } catch (error) {
                  stream.send({ event: "refused", data: (error as Error).message });
                }
                stream.close();
              });
            },
          }),
      );
      const text = await (await fetch(httpUrl("/bad"))).text();
      expect(text).not.toContain("forged");
      expect(text).toContain("event: refused\ndata: SSE event must not contain a line break\n\n");
    });
  });
}
