import { connect, createServer } from "node:net";
import { type Channel, WebServer } from "@switchboard/core";
import { describe, expect, it } from "vitest";
import { ChatServer } from "../support/chat-server.js";
import { eventually, sleep, TestClient } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";
import { rawExchange, statusOf } from "../support/raw.js";

/** A TCP port that was free on 127.0.0.1 a moment ago. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(),
      );
    });
  });

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.on("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("error", () => resolve(true));
  });

/** listen, close and the closing handshake in both directions. */
export function lifecycleCases(ctx: SuiteContext): void {
  describe("lifecycle", () => {
    it("listen({ port: 0 }) binds a free port and reports it", async () => {
      const { address, httpUrl } = await ctx.start((backend) => new ChatServer({ backend }));
      expect(address.port).toBeGreaterThan(0);
      expect(address.host).toBe("127.0.0.1");
      expect(address.url).toBe(`http://127.0.0.1:${address.port}`);
      expect(await (await fetch(httpUrl("/ping"))).text()).toBe("pong");
    });

    it("listen() on a port in use rejects, and the server can listen elsewhere", async () => {
      const { address } = await ctx.start((backend) => new ChatServer({ backend }));
      const second = new ChatServer({ backend: ctx.backend() });
      await expect(second.listen({ port: address.port, host: "127.0.0.1" })).rejects.toThrow();
      const other = await second.listen({ port: 0, host: "127.0.0.1" });
      expect(other.port).not.toBe(address.port);
      await second.close();
    });

    it("rejects invalid listen options and a second listen()", async () => {
      const server = new ChatServer({ backend: ctx.backend() });
      await expect(server.listen({ port: -1 })).rejects.toMatchObject({ code: "INVALID_OPTION" });
      await expect(server.listen({ port: 70000 })).rejects.toMatchObject({
        code: "INVALID_OPTION",
      });
      await server.listen({ port: 0 });
      await expect(server.listen({ port: 0 })).rejects.toMatchObject({ code: "ALREADY_LISTENING" });
      await server.close();
    });

    it("close() sends 1001 to connected clients, runs onWsClose, and releases the port", async () => {
      const closes: number[] = [];
      const { server, address, wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onWsClose(_channel, code) {
              closes.push(code);
            },
          }),
      );
      const clients = await Promise.all([1, 2, 3].map(() => TestClient.connect(wsUrl("/"))));
      await eventually(() => server.clientCount === 3, 5000, "three clients");
      await server.close();
      for (const client of clients) expect((await client.closed).code).toBe(1001);
      expect(closes).toHaveLength(3);
      expect(server.clientCount).toBe(0);
      expect(await refused(address.port)).toBe(true);
    });

    it("close() drops peers that never answer the close frame", async () => {
      const { server, wsUrl } = await ctx.start(
        (backend) => new WebServer({ backend, closeTimeoutMs: 300 }),
      );
      const client = await TestClient.connect(wsUrl("/"));
      await eventually(() => server.clientCount === 1, 5000, "one client");
      // A peer that stops reading never answers the close frame.
      (client.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      await server.close();
      expect(server.clientCount).toBe(0);
    });

    it("refuses a second server on an explicit port in use instead of sharing it", async () => {
      const first = new ChatServer({ backend: ctx.backend() });
      const { port } = await first.listen({ port: await freePort(), host: "127.0.0.1" });
      const second = new ChatServer({ backend: ctx.backend() });
      try {
        await expect(second.listen({ port, host: "127.0.0.1" })).rejects.toThrow();
      } finally {
        await second.close().catch(() => {});
        await first.close();
      }
    });

    it("listens on the same port again right after close(), though it closed its connections first", async () => {
      const first = new ChatServer({ backend: ctx.backend() });
      const { port } = await first.listen({ port: 0, host: "127.0.0.1" });
      // The server closes these connections first, so their TIME_WAIT is on its port.
      for (let i = 0; i < 3; i++) {
        const answer = await rawExchange(
          port,
          "GET /ping HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n",
        );
        expect(statusOf(answer)).toBe(200);
      }
      await first.close();
      const again = new ChatServer({ backend: ctx.backend() });
      await again.listen({ port, host: "127.0.0.1" });
      try {
        expect(await (await fetch(`http://127.0.0.1:${port}/ping`)).text()).toBe("pong");
      } finally {
        await again.close();
      }
    });

    it("can listen again after close()", async () => {
      const server = new ChatServer({ backend: ctx.backend() });
      const first = await server.listen({ port: 0 });
      await server.close();
      const again = await server.listen({ port: 0 });
      expect(await (await fetch(`${again.url}/ping`)).text()).toBe("pong");
      await server.close();
      expect(first.port).toBeGreaterThan(0);
    });

    it("a client close frame reaches onWsClose with its code and reason", async () => {
      const closes: [number, string][] = [];
      const { wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onWsClose(_channel, code, reason) {
              closes.push([code, reason]);
            },
          }),
      );
      const client = await TestClient.connect(wsUrl("/"));
      const closed = await client.close(4001, "bye now");
      expect(closed.code).toBe(4001);
      await eventually(() => closes.length === 1, 5000, "onWsClose");
      expect(closes).toEqual([[4001, "bye now"]]);
    });

    it("channel.close(code, reason) reaches the client, and onWsClose runs", async () => {
      const closes: number[] = [];
      const { wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onWsMessage(channel) {
              channel.close(4002, "done here");
            },
            onWsClose(_channel, code) {
              closes.push(code);
            },
          }),
      );
      const client = await TestClient.connect(wsUrl("/"));
      client.send("close me");
      expect(await client.closed).toEqual({ code: 4002, reason: "done here" });
      await eventually(() => closes.length === 1, 5000, "onWsClose");
    });

    it("validates close codes and reasons before the engine sees them", async () => {
      const results: string[] = [];
      const { wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onWsOpen(channel) {
              for (const [code, reason] of [
                [999, ""],
                [1005, ""],
                [1006, ""],
                [1015, ""],
                [5000, ""],
                [1000, "x".repeat(124)],
                [1000, "é".repeat(62)],
              ] as const) {
                try {
                  channel.close(code, reason);
                  results.push("accepted");
                } catch (error) {
                  results.push((error as { code: string }).code);
                }
              }
              channel.close(1000, "é".repeat(61));
            },
          }),
      );
      const client = await TestClient.connect(wsUrl("/"));
      expect(await client.closed).toEqual({ code: 1000, reason: "é".repeat(61) });
      expect(results).toEqual(Array(7).fill("INVALID_ARGUMENT"));
    });

    it("send on a closed channel throws CHANNEL_CLOSED instead of crashing", async () => {
      let kept: Channel | undefined;
      const { server, wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onWsOpen(channel) {
              kept = channel;
            },
          }),
      );
      const client = await TestClient.connect(wsUrl("/"));
      await eventually(() => kept !== undefined, 5000, "open");
      await client.close();
      await eventually(() => server.clientCount === 0, 5000, "close");
      expect(() => kept!.send("late")).toThrow(expect.objectContaining({ code: "CHANNEL_CLOSED" }));
      expect(kept!.isOpen).toBe(false);
      expect(kept!.bufferedAmount).toBe(0);
      await expect(kept!.drain()).rejects.toMatchObject({ code: "CHANNEL_CLOSED" });
    });

    it("runs async callbacks of one connection in order", async () => {
      const log: string[] = [];
      const { wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            async onWsOpen() {
              await sleep(50);
              log.push("open");
            },
            async onWsMessage(channel, text) {
              await sleep(text === "1" ? 30 : 0);
              log.push(text);
              if (text === "3") channel.close();
            },
            onWsClose() {
              log.push("close");
            },
          }),
      );
      const client = await TestClient.connect(wsUrl("/"));
      client.send("1");
      client.send("2");
      client.send("3");
      await client.closed;
      await eventually(() => log.length === 5, 5000, "every callback");
      expect(log).toEqual(["open", "1", "2", "3", "close"]);
    });

    it("numbers channels uniquely and exposes the remote address", async () => {
      const seen: Channel[] = [];
      const { wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onWsOpen(channel) {
              seen.push(channel);
            },
          }),
      );
      const a = await TestClient.connect(wsUrl("/a"));
      const b = await TestClient.connect(wsUrl("/b"));
      await eventually(() => seen.length === 2, 5000, "two opens");
      expect(new Set(seen.map((c) => c.id)).size).toBe(2);
      expect(seen.map((c) => c.url).sort()).toEqual(["/a", "/b"]);
      for (const channel of seen) expect(channel.remoteAddress).toMatch(/127\.0\.0\.1/);
      await Promise.all([a.close(), b.close()]);
    });
  });
}
