// Behaviour of attached mode itself (what the application's server keeps, what Switchboard
// takes): ws-specific, as only this engine has a node:http server to attach to. Everything core
// promises on an attached server is the conformance suite's, in attached-conformance.test.ts.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  ChatServer,
  rawExchange,
  statusOf,
  TestClient,
  upgradeRequest,
} from "@switchboard/conformance";
import { WebServer } from "@switchboard/core";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { wsBackend } from "../src/index.js";
import { APP_PREFIX, type ApplicationLog, application } from "./support/application.js";

const servers: Server[] = [];
const switchboards: WebServer[] = [];
afterEach(async () => {
  await Promise.all(switchboards.splice(0).map((server) => server.close()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** The application's server, listening on a free loopback port. */
async function applicationServer(log: ApplicationLog = { requests: [] }) {
  const server = createServer(application(log));
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  return { server, port, log, url: (path: string) => `http://127.0.0.1:${port}${path}` };
}

function track<S extends WebServer>(server: S): S {
  switchboards.push(server);
  return server;
}

const text = async (url: string, init?: RequestInit) => {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.text() };
};

describe("wsBackend({ server })", () => {
  it("opens no port: listen() reports the application's server, and the chat runs on it", async () => {
    const app = await applicationServer();
    const chat = track(new ChatServer({ backend: wsBackend({ server: app.server }) }));
    const address = await chat.listen();
    expect(address).toEqual({
      port: app.port,
      host: "127.0.0.1",
      url: `http://127.0.0.1:${app.port}`,
    });
    const client = await TestClient.connect(`ws://127.0.0.1:${app.port}/chat`);
    expect(await client.nextText()).toBe("welcome user_1");
    expect(await text(app.url(`${APP_PREFIX}hello`))).toEqual({
      status: 200,
      body: "hello from the application",
    });
    await client.close();
  });

  it("refuses listen() options it cannot honour, naming them", async () => {
    const app = await applicationServer();
    const chat = track(new ChatServer({ backend: wsBackend({ server: app.server }) }));
    await expect(chat.listen({ port: 8080 })).rejects.toMatchObject({
      code: "INVALID_OPTION",
      message: expect.stringContaining("without port"),
    });
    await expect(chat.listen({ host: "::1", port: 0 })).rejects.toMatchObject({
      message: expect.stringContaining("port, host"),
    });
    expect((await chat.listen()).port).toBe(app.port);
  });

  it("attaches to a server that is not listening yet, and works once it listens", async () => {
    const server = createServer(application({ requests: [] }));
    servers.push(server);
    const chat = track(new ChatServer({ backend: wsBackend({ server }) }));
    expect((await chat.listen()).port).toBe(0);
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const client = await TestClient.connect(`ws://127.0.0.1:${port}/`);
    expect(await client.nextText()).toBe("welcome user_1");
    await client.close();
  });

  it("without routes, every HTTP request stays with the application, Switchboard's paths too", async () => {
    const app = await applicationServer();
    const chat = track(new ChatServer({ backend: wsBackend({ server: app.server }) }));
    await chat.listen();
    expect(await text(app.url("/ping"))).toEqual({
      status: 404,
      body: "the application has no such page",
    });
  });

  it("with routes: true, Switchboard answers its routes and the application everything else", async () => {
    const app = await applicationServer();
    const chat = track(
      new ChatServer({ backend: wsBackend({ server: app.server, routes: true }) }),
    );
    await chat.listen();
    expect(await text(app.url("/ping"))).toEqual({ status: 200, body: "pong" });
    expect(await text(app.url("/clients?x=1"))).toEqual({ status: 200, body: "0" });
    // A wrong method on a Switchboard path is Switchboard's: it answers 405 with Allow.
    const post = await fetch(app.url("/ping"), { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toContain("GET");
    expect((await text(app.url("/elsewhere"))).body).toBe("the application has no such page");
    expect((await text(app.url(`${APP_PREFIX}hello`))).body).toBe("hello from the application");
    expect(app.log.requests).toEqual(["GET /elsewhere", `GET ${APP_PREFIX}hello`]);
  });

  it("bad input to the application's routes never reaches Switchboard", async () => {
    const app = await applicationServer();
    const errors: unknown[] = [];
    const chat = track(
      new ChatServer({
        backend: wsBackend({ server: app.server, routes: true, path: "/chat" }),
        maxBodyBytes: 100,
        maxHeaderBytes: 1024,
        onError: (error) => errors.push(error),
      }),
    );
    await chat.listen();
    // Over Switchboard's body and head limits, a malformed path: the application's to judge.
    expect(
      (await text(app.url(`${APP_PREFIX}echo`), { method: "POST", body: "x".repeat(100_000) }))
        .body,
    ).toBe("100000 bytes");
    const bigHead = await fetch(app.url(`${APP_PREFIX}hello`), {
      headers: { "x-big": "a".repeat(4000) },
    });
    expect(bigHead.status).toBe(200);
    expect((await text(app.url("/%zz"))).status).toBe(404);
    // An upgrade to one of its paths is not Switchboard's either.
    const answer = await rawExchange(app.port, upgradeRequest(`${APP_PREFIX}hello`), 2000);
    expect(statusOf(answer)).toBe(404);
    expect(answer).toContain("no WebSocket endpoint at this path");
    expect(errors).toEqual([]);
    expect(chat.stats.upgradesRefused).toBe(0);
    expect(chat.clientCount).toBe(0);
  });

  it("with path, takes only its upgrades and leaves the others to the server's other listeners", async () => {
    const app = await applicationServer();
    const other = new WebSocketServer({ noServer: true });
    app.server.on("upgrade", (req, socket, head) => {
      if (req.url === "/other") other.handleUpgrade(req, socket, head, (ws) => ws.send("other"));
    });
    const chat = track(
      new ChatServer({ backend: wsBackend({ server: app.server, path: "/chat" }) }),
    );
    await chat.listen();
    const mine = await TestClient.connect(`ws://127.0.0.1:${app.port}/chat?room=1`);
    expect(await mine.nextText()).toBe("welcome user_1");
    const theirs = await TestClient.connect(`ws://127.0.0.1:${app.port}/other`);
    expect(await theirs.nextText()).toBe("other");
    expect(chat.clientCount).toBe(1);
    await Promise.all([mine.close(), theirs.close()]);
    other.close();
  });

  it("close() ends Switchboard's connections and gives the server back to the application", async () => {
    const app = await applicationServer();
    const chat = track(
      new ChatServer({ backend: wsBackend({ server: app.server, routes: true }) }),
    );
    await chat.listen();
    const client = await TestClient.connect(`ws://127.0.0.1:${app.port}/chat`);
    await client.nextText();
    await chat.close();
    expect((await client.closed).code).toBe(1001);
    expect(app.server.listening).toBe(true);
    expect(app.server.listeners("upgrade")).toEqual([]);
    // Its routes are the application's again, as before Switchboard came.
    expect((await text(app.url("/ping"))).body).toBe("the application has no such page");
    expect((await text(app.url(`${APP_PREFIX}hello`))).body).toBe("hello from the application");
    // And it attaches again.
    await chat.listen();
    expect((await text(app.url("/ping"))).body).toBe("pong");
  });

  it("close() ends Switchboard's open responses, such as an event stream, and no others", async () => {
    const app = await applicationServer();
    const chat = track(
      new WebServer({
        backend: wsBackend({ server: app.server, routes: true }),
        onInit() {
          this.get("/events", (_req, res) => {
            res.sse().send({ data: "first" });
          });
        },
      }),
    );
    await chat.listen();
    const events = await fetch(app.url("/events"));
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain(": connected");
    await chat.close();
    // The stream ends (the read settles) instead of staying open on the application's server.
    let ended = false;
    while (!ended)
      ended = await reader.read().then(
        (chunk) => chunk.done,
        () => true,
      );
    expect((await text(app.url(`${APP_PREFIX}hello`))).body).toBe("hello from the application");
  });

  it("with closeServer: true, close() closes the application's server too", async () => {
    const app = await applicationServer();
    const chat = track(
      new ChatServer({ backend: wsBackend({ server: app.server, closeServer: true }) }),
    );
    await chat.listen();
    await chat.close();
    expect(app.server.listening).toBe(false);
  });

  it("reports an https server's address as https", async () => {
    const { createServer: createHttps } = await import("node:https");
    const server = createHttps();
    const chat = track(new ChatServer({ backend: wsBackend({ server }) }));
    expect((await chat.listen()).url).toBe("https://127.0.0.1:0");
  });

  it("keeps serving when the routes function throws: the request stays with the application", async () => {
    const app = await applicationServer();
    const chat = track(
      new ChatServer({
        backend: wsBackend({
          server: app.server,
          routes: (req) => {
            if (req.url === "/boom") throw new Error("boom");
            return req.url === "/ping";
          },
        }),
      }),
    );
    await chat.listen();
    const logged = console.error;
    console.error = () => {};
    try {
      expect((await text(app.url("/boom"))).body).toBe("the application has no such page");
    } finally {
      console.error = logged;
    }
    expect((await text(app.url("/ping"))).body).toBe("pong");
  });

  it("refuses options that cannot work, with a clear error", () => {
    const server = createServer();
    const bad: unknown[] = [
      { server: undefined },
      { server: {} },
      { server, path: "chat" },
      { server, path: "/chat?x" },
      { server, routes: "yes" },
      { server, closeServer: 1 },
      { server, noServer: true },
      { noServer: true, path: "/chat" },
      { noServer: true, routes: true },
    ];
    for (const options of bad) {
      expect(() => wsBackend(options as { server: Server }), JSON.stringify(options)).toThrow(
        expect.objectContaining({ code: "INVALID_OPTION" }),
      );
    }
  });
});

describe("handleUpgrade", () => {
  it("takes a raw upgrade the application hands over, and answers 503 when not listening", async () => {
    const app = await applicationServer();
    const backend = wsBackend({ noServer: true });
    app.server.on("upgrade", (req, socket, head) => {
      if (req.url?.startsWith("/live")) backend.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
    const before = await rawExchange(app.port, upgradeRequest("/live"), 2000);
    expect(statusOf(before)).toBe(503);
    const chat = track(new ChatServer({ backend }));
    expect((await chat.listen()).port).toBe(0);
    const client = await TestClient.connect(`ws://127.0.0.1:${app.port}/live`);
    expect(await client.nextText()).toBe("welcome user_1");
    // Core's checks hold as on any server: a malformed handshake is refused before onWsUpgrade.
    const malformed = await rawExchange(
      app.port,
      upgradeRequest("/live", { "sec-websocket-version": "8" }),
      2000,
    );
    expect(statusOf(malformed)).toBe(400);
    await chat.close();
    expect((await client.closed).code).toBe(1001);
    const after = new WebSocket(`ws://127.0.0.1:${app.port}/live`);
    const [, response] = await once(after, "unexpected-response");
    expect(response.statusCode).toBe(503);
  });
});
