// uwsBackend({ app }): what the application's own app keeps and what Switchboard adds to it.
// uWS-specific, as only this engine has an app object to add handlers to; the behaviour core
// promises is the conformance suite's (conformance.test.ts), which the handlers are the same for.

import type uWSModule from "uWebSockets.js";
import type { TemplatedApp, us_listen_socket } from "uWebSockets.js";
import {
  ChatServer,
  rawExchange,
  statusOf,
  TestClient,
  upgradeRequest,
} from "@switchboard/conformance";
import { WebServer } from "@switchboard/core";
import { uwsBuilds } from "@switchboard/test-support/uws-builds";
import { afterEach, describe, expect, it } from "vitest";
import { uwsBackend } from "../src/index.js";

/** The engine with its full API, as the test drives it. */
type UwsEngine = typeof uWSModule;

const build = uwsBuilds().find((candidate) => candidate.engine !== undefined);
const uWS = build?.engine as UwsEngine | undefined;

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The application's app: a page, and a WebSocket endpoint of its own on uWS pub/sub. */
async function applicationApp(engine: UwsEngine) {
  const app: TemplatedApp = engine.App();
  app.get("/hello", (res) => {
    res.end("hello from the application");
  });
  app.ws("/native", {
    open: (ws) => {
      // The names Switchboard's own topics would have if it did not keep apart.
      ws.subscribe("all");
      ws.subscribe("t/room");
      ws.send("native open");
    },
  });
  const socket = await new Promise<us_listen_socket>((resolve, reject) =>
    app.listen("127.0.0.1", 0, (listening) => (listening ? resolve(listening) : reject())),
  );
  cleanups.push(() => {
    engine.us_listen_socket_close(socket);
    (app as TemplatedApp & { close(): void }).close();
  });
  const port = engine.us_socket_local_port(socket);
  return { app, port, http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}` };
}

async function connect(url: string) {
  const client = await TestClient.connect(url);
  cleanups.push(() => client.drop());
  return client;
}

describe.skipIf(uWS === undefined)(
  `uwsBackend({ app }) on ${build?.name ?? "no uWS build"}`,
  () => {
    const engine = uWS as UwsEngine;

    it("adds the chat and its routes to the application's app, which keeps its own", async () => {
      const { app, http, ws } = await applicationApp(engine);
      const chat = new ChatServer({
        backend: uwsBackend({ engine, app, path: "/chat", routes: true }),
      });
      cleanups.push(() => chat.close());
      expect((await chat.listen()).port).toBe(0);
      expect(await (await fetch(`${http}/hello`)).text()).toBe("hello from the application");
      expect(await (await fetch(`${http}/ping`)).text()).toBe("pong");
      const native = await connect(`${ws}/native`);
      expect(await native.nextText()).toBe("native open");
      const alice = await connect(`${ws}/chat`);
      expect(await alice.nextText()).toBe("welcome user_1");
      const bob = await connect(`${ws}/chat`);
      expect(await bob.nextText()).toBe("welcome user_2");
      expect(await alice.nextText()).toBe("user_2 joined");
      for (const channel of chat.channels) chat.subscribe(channel, "room");
      expect(chat.publish("room", "to the room")).toBe(2);
      expect(await alice.nextText()).toBe("to the room");
      // Switchboard's broadcasts and topics are its own: the app's socket on "all" and "t/room" hears nothing.
      expect(await native.silentFor(300)).toBe(true);
    });

    it("answers core's handshake refusals on its path", async () => {
      const { app, port } = await applicationApp(engine);
      const chat = new ChatServer({ backend: uwsBackend({ engine, app, path: "/chat" }) });
      cleanups.push(() => chat.close());
      await chat.listen();
      const version = upgradeRequest("/chat", { "sec-websocket-version": "8" });
      expect(statusOf(await rawExchange(port, version, 2000))).toBe(400);
      const keyless = upgradeRequest("/chat", { "sec-websocket-key": null });
      expect(statusOf(await rawExchange(port, keyless, 2000))).toBe(400);
    });

    it("refuses listen() options it cannot honour", async () => {
      const { app } = await applicationApp(engine);
      const chat = new ChatServer({ backend: uwsBackend({ engine, app }) });
      await expect(chat.listen({ port: 3000 })).rejects.toMatchObject({ code: "INVALID_OPTION" });
    });

    it("close() ends the chat's connections; its path then answers 503, and listen() takes it again", async () => {
      const { app, http, ws, port } = await applicationApp(engine);
      const chat = new ChatServer({ backend: uwsBackend({ engine, app, path: "/chat" }) });
      cleanups.push(() => chat.close());
      await chat.listen();
      const client = await connect(`${ws}/chat`);
      await client.nextText();
      await chat.close();
      expect((await client.closed).code).toBe(1001);
      expect(await (await fetch(`${http}/hello`)).text()).toBe("hello from the application");
      expect(statusOf(await rawExchange(port, upgradeRequest("/chat"), 2000))).toBe(503);
      await chat.listen();
      const again = await connect(`${ws}/chat`);
      expect(await again.nextText()).toBe("welcome user_2");
    });

    it("close() ends the chat's open responses, such as an event stream", async () => {
      const { app, http } = await applicationApp(engine);
      const chat = new WebServer({
        backend: uwsBackend({ engine, app, routes: true }),
        onInit() {
          this.get("/events", (_req, res) => {
            res.sse().send({ data: "first" });
          });
        },
      });
      cleanups.push(() => chat.close());
      await chat.listen();
      const reader = (
        (await fetch(`${http}/events`)).body as ReadableStream<Uint8Array>
      ).getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toContain(": connected");
      await chat.close();
      let ended = false;
      while (!ended)
        ended = await reader.read().then(
          (chunk) => chunk.done,
          () => true,
        );
      expect(await (await fetch(`${http}/hello`)).text()).toBe("hello from the application");
    });

    it("serves one WebServer, and refuses options that cannot work", async () => {
      const { app } = await applicationApp(engine);
      const backend = uwsBackend({ engine, app, path: "/one" });
      const first = new ChatServer({ backend });
      await first.listen();
      await first.close();
      await expect(new ChatServer({ backend }).listen()).rejects.toMatchObject({
        code: "INVALID_OPTION",
      });
      for (const options of [
        { app: {} },
        { app, path: "/chat/*" },
        { app, path: "chat" },
        { app, routes: 1 },
      ]) {
        expect(() => uwsBackend({ engine, ...(options as { app: TemplatedApp }) })).toThrow(
          expect.objectContaining({ code: "INVALID_OPTION" }),
        );
      }
    });
  },
);
