// Runs every code sample the guides and READMEs include (examples/docs/*.ts) against a real
// server on 127.0.0.1, and checks what a client observes.
import { readdirSync } from "node:fs";
import { TestClient } from "@switchboard/conformance";
import type { WebServer } from "@switchboard/core";
import { startRedis } from "@switchboard/test-support/redis-server";
import { generate } from "selfsigned";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import { runs, titled } from "../support/engines.js";
import { subscriberCount } from "../support/redis-subscribers.js";

/** Samples that register a vitest suite when imported: type-checked (tsc) only. */
export const TYPECHECK_ONLY = {
  "conformance-1.ts": "registers the whole server suite, which every backend package runs",
  "conformance-3.ts": "registers the whole client suite, which every client package runs",
  "writing-a-backend-1.ts": "registers the whole server suite; server-bun runs it under Bun",
  "readme-server-bun.ts": "runs under Bun only; server-bun's conformance test runs the same server",
};

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  vi.unstubAllGlobals();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Registers a server for closing after the test; returns its ws:// and http:// base URLs. */
function started(server: WebServer) {
  cleanups.push(() => server.close());
  const port = server.address?.port;
  return { ws: `ws://127.0.0.1:${port}`, http: `http://127.0.0.1:${port}`, port };
}

async function connect(url: string, options?: Parameters<typeof TestClient.connect>[1]) {
  const client = await TestClient.connect(url, options);
  cleanups.push(() => client.drop());
  return client;
}

/** The status an upgrade is refused with. */
function refusal(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once("open", () => reject(new Error("the upgrade was accepted")));
    ws.on("error", () => {});
  });
}

const quiet = () => {
  vi.spyOn(console, "log").mockImplementation(() => {});
  vi.spyOn(console, "warn").mockImplementation(() => {});
  vi.spyOn(console, "error").mockImplementation(() => {});
};

describe("every sample under examples/docs", () => {
  it("has a test in this file or another of test/, or is listed as type-checked only", async () => {
    const fs = await import("node:fs/promises");
    const tests = readdirSync(new URL(".", import.meta.url)).filter((f) => f.endsWith(".test.ts"));
    const source = (
      await Promise.all(tests.map((file) => fs.readFile(new URL(file, import.meta.url), "utf8")))
    ).join("\n");
    const samples = readdirSync(new URL("../docs/", import.meta.url)).filter((f) =>
      f.endsWith(".ts"),
    );
    for (const sample of samples) {
      if (sample in TYPECHECK_ONLY) continue;
      expect(source, `${sample} has no test`).toContain(`../docs/${sample.replace(".ts", ".js")}`);
    }
  });
});

describe("getting started", () => {
  it("getting-started-1 + 2: the tutorial transcript, and /ping", async () => {
    quiet();
    const { main: serve } = await import("../docs/getting-started-1.js");
    const { main: chat } = await import("../docs/getting-started-2.js");
    const urls = started(await serve(0));
    expect(await (await fetch(`${urls.http}/ping`)).text()).toBe("pong");
    expect(await chat(`${urls.ws}/chat`)).toEqual([
      "alice got: welcome user_1",
      "alice got: echo: hello server!",
      "bob got: welcome user_2",
      "alice got: user_2 joined",
      "bob got: echo: hi everyone!",
      "alice got: user_2: hi everyone!",
      "GET /clients: 2",
      "bob got: user_1 left",
    ]);
  });
});

describe("typed events", () => {
  it("events-1 + 2 + 3: a spec declared once, an EventHub, an EventClient", async () => {
    const { main: serve } = await import("../docs/events-2.js");
    const { main: chat } = await import("../docs/events-3.js");
    const urls = started(await serve(0));
    const lines = await chat(`${urls.ws}/chat`);
    // The broadcast of "hello" comes before the answer to the request sent after it.
    expect(lines).toEqual(["online: 1", "user_1: hello", "clients: user_1"]);
    // The schema refuses an empty message before any handler sees it.
    const raw = await connect(`${urls.ws}/chat`, { protocols: ["switchboard.v1.json"] });
    await raw.next(); // online: 1
    raw.send(`\x1e${JSON.stringify([1, "e", "message", ""])}`);
    const refused = JSON.parse((await raw.nextText()).slice(1)) as unknown[];
    expect(refused.slice(1, 3)).toEqual(["x", 0]);
    expect(refused[3]).toMatchObject({ code: "INVALID_PAYLOAD", event: "message" });
    const { schemas } = await import("../docs/events-1.js");
    expect(Object.keys(schemas.clientEvents ?? {})).toEqual(["message", "typing"]);
  });
});

describe("server model", () => {
  it("server-model-1: admission data, callbacks as options", async () => {
    quiet();
    const { main } = await import("../docs/server-model-1.js");
    const urls = started(await main(0));
    expect(await refusal(`${urls.ws}/chat`)).toBe(400);
    const client = await connect(`${urls.ws}/chat?name=ada`);
    expect(await client.nextText()).toBe("hello ada, you opened /chat?name=ada");
    client.send("hi");
    client.send("again");
    expect(await client.texts(2)).toEqual(["ada #1: hi", "ada #2: again"]);
  });

  it("server-model-2: a fragmented send arrives whole; binary and text callbacks", async () => {
    const { main } = await import("../docs/server-model-2.js");
    const urls = started(await main(0));
    const client = await connect(`${urls.ws}/`);
    expect(await client.nextText()).toBe("hello, world");
    client.send(new Uint8Array([1, 2, 3]));
    const reply = await client.next();
    expect(reply.binary).toBe(true);
    expect([...reply.data]).toEqual([3, 2, 1]);
    client.send("shout");
    expect(await client.nextText()).toBe("SHOUT");
  });

  it("server-model-3: publish reaches the room, broadcast reaches everyone", async () => {
    const { main } = await import("../docs/server-model-3.js");
    const urls = started(await main(0));
    const a = await connect(`${urls.ws}/?room=a`);
    const b = await connect(`${urls.ws}/?room=a`);
    expect(await a.nextText()).toBe("someone joined a");
    const c = await connect(`${urls.ws}/?room=b`);
    expect(await a.nextText()).toBe("someone joined b");
    expect(await b.nextText()).toBe("someone joined b");
    a.send("hi room a");
    expect(await b.nextText()).toBe("hi room a");
    expect(await c.silentFor(200)).toBe(true);
    expect(await a.silentFor(0)).toBe(true);
  });

  it("server-model-4: a message waits for an async onWsOpen", async () => {
    const { main } = await import("../docs/server-model-4.js");
    const urls = started(await main(0));
    const client = await connect(`${urls.ws}/`);
    client.send("first");
    expect(await client.nextText()).toBe("profile-1: first");
  });

  it("server-model-5: a throwing callback goes to onError with its source", async () => {
    quiet();
    const { main } = await import("../docs/server-model-5.js");
    const { server, reported } = await main(0);
    const urls = started(server);
    const client = await connect(`${urls.ws}/`);
    client.send("boom");
    client.send("fine");
    expect(await client.nextText()).toBe("ok: fine");
    expect(reported).toEqual(["onWsMessage unexpected channel 1"]);
  });
});

describe("HTTP", () => {
  it("http-1: params, JSON bodies, returned values, HttpError", async () => {
    const { main } = await import("../docs/http-1.js");
    const urls = started(await main(0));
    expect(await (await fetch(`${urls.http}/users/1`)).json()).toEqual({ name: "ada" });
    const missing = await fetch(`${urls.http}/users/9`);
    expect([missing.status, await missing.text()]).toEqual([404, "no such user"]);
    const created = await fetch(`${urls.http}/users`, {
      method: "POST",
      body: JSON.stringify({ name: "grace" }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe("/users/2");
    const bad = await fetch(`${urls.http}/users`, { method: "POST", body: "{" });
    expect(bad.status).toBe(400);
    expect(await (await fetch(`${urls.http}/files/a/b.txt`)).text()).toBe("you asked for a/b.txt");
  });

  it("http-2: CORS, logging middleware, notFound and errorHandler", async () => {
    quiet();
    const { main } = await import("../docs/http-2.js");
    const urls = started(await main(0));
    const hello = await fetch(`${urls.http}/hello`, { headers: { origin: "https://app.example" } });
    expect(await hello.text()).toBe("hello");
    expect(hello.headers.get("access-control-allow-origin")).toBe("https://app.example");
    const preflight = await fetch(`${urls.http}/hello`, {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "PUT" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-max-age")).toBe("600");
    const missing = await fetch(`${urls.http}/nope`);
    expect([missing.status, await missing.json()]).toEqual([404, { missing: "/nope" }]);
    const wrongMethod = await fetch(`${urls.http}/hello`, { method: "DELETE" });
    expect([wrongMethod.status, await wrongMethod.json()]).toEqual([
      405,
      { error: "method not allowed" },
    ]);
  });

  it("http-3: Server-Sent Events", async () => {
    const { main } = await import("../docs/http-3.js");
    const urls = started(await main(0));
    const response = await fetch(`${urls.http}/ticks`);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const body = await response.text();
    expect(body).toContain('event: tick\nid: 3\ndata: {"n":3}\n\n');
    expect(body.match(/event: tick/g)).toHaveLength(3);
  });

  it("http-4: static files next to routes, nothing outside the folder", async () => {
    const { main } = await import("../docs/http-4.js");
    const urls = started(await main(0));
    const index = await fetch(`${urls.http}/`);
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(index.headers.get("cache-control")).toBe("public, max-age=60");
    expect(await index.text()).toContain("Hello from a static file.");
    expect(await (await fetch(`${urls.http}/api/time`)).json()).toHaveProperty("now");
    expect((await fetch(`${urls.http}/%2e%2e/http-4.ts`)).status).toBe(404);
  });
});

describe("clients", () => {
  it("clients-1: callbacks in a subclass, or as options", async () => {
    quiet();
    const { main: serve } = await import("../docs/getting-started-1.js");
    const { ChatClient, logger } = await import("../docs/clients-1.js");
    const urls = started(await serve(0));
    const client = new ChatClient();
    cleanups.push(() => client.close());
    await client.connect(`${urls.ws}/chat`);
    await vi.waitFor(() => expect(client.received).toEqual(["welcome user_1"]));
    await logger.connect(`${urls.ws}/chat`);
    await logger.close();
    expect(console.log).toHaveBeenCalledWith("text", "welcome user_2".length);
  });

  it("clients-2: reconnects after the server restarts and sends what was queued", async () => {
    quiet();
    const { main: serve } = await import("../docs/server-model-2.js");
    const { connectForever } = await import("../docs/clients-2.js");
    const server = await serve(0);
    const urls = started(server);
    const client = await connectForever(`${urls.ws}/`);
    cleanups.push(() => client.close());
    expect((await client.nextMessage()).text).toBe("hello, world");
    await server.close();
    await vi.waitFor(() => expect(client.state).toBe("reconnecting"));
    expect(client.send("queued")).toBe(false);
    await server.listen({ port: urls.port ?? 0 });
    expect((await client.nextMessage({ timeout: 5000 })).text).toBe("hello, world");
    expect((await client.nextMessage({ timeout: 5000 })).text).toBe("QUEUED");
  });

  it("clients-5: retries the app's 4000, stops at 1008 and says why", async () => {
    quiet();
    const { main: serve } = await import("../docs/readme-server-ws.js");
    const { stayConnected } = await import("../docs/clients-5.js");
    const server = await serve(0);
    const urls = started(server);
    let opens = 0;
    server.onWsOpen = (channel) => {
      // The first connection is handed over (4000), the second rate limited (1008).
      channel.close(++opens === 1 ? 4000 : 1008, opens === 1 ? "moved" : "rate limit");
    };
    const gone: string[] = [];
    const client = stayConnected((why) => gone.push(why));
    cleanups.push(() => client.close());
    await client.connect(`${urls.ws}/`);
    await vi.waitFor(() => expect(gone).toEqual(["CLOSED_BY_SERVER: 1008 rate limit"]));
    expect(opens).toBe(2);
    expect(console.log).toHaveBeenCalledWith("closed: 4000 moved", "(retrying)");
    expect(console.log).toHaveBeenCalledWith("closed: 1008 rate limit", "(stopping)");
  });

  it("clients-3: upload with send/drain delivers every byte", async () => {
    const { WebSocketClient } = await import("@switchboard/client-node");
    const { main: serve } = await import("../docs/readme-server-ws.js");
    const { upload } = await import("../docs/clients-3.js");
    const server = await serve(0);
    const urls = started(server);
    let received = 0;
    server.onWsMessageFrame = (_channel, data) => {
      received += data.byteLength;
    };
    const client = new WebSocketClient();
    cleanups.push(() => client.close());
    await client.connect(`${urls.ws}/`);
    const chunks = Array.from({ length: 32 }, () => new Uint8Array(256 * 1024));
    expect(await upload(client, chunks)).toBe(8 * 1024 * 1024);
    await vi.waitFor(() => expect(received).toBe(8 * 1024 * 1024), { timeout: 10_000 });
  });

  it("clients-4: the browser client (on a WebSocket shim in Node), URL function, for await", async () => {
    vi.stubGlobal("WebSocket", WebSocket);
    const { main: serve } = await import("../docs/readme-server-ws.js");
    const { main } = await import("../docs/clients-4.js");
    const urls = started(await serve(0));
    expect(await main(`${urls.ws}/chat`)).toEqual(["echo: hello from the browser"]);
  });
});

describe("limits and security", () => {
  it("limits-and-security-1: Origin allowlist and maxMessageBytes", async () => {
    const { main } = await import("../docs/limits-and-security-1.js");
    const urls = started(await main(0));
    expect(await refusal(`${urls.ws}/chat`, { origin: "https://evil.example" })).toBe(403);
    const client = await connect(`${urls.ws}/chat`, {
      headers: { origin: "https://chat.example" },
    });
    expect(await client.nextText()).toBe("welcome user_1");
    client.send("x".repeat(64 * 1024 + 1));
    expect((await client.closed).code).toBe(1009);
  });

  it("limits-and-security-2: drain() paces a feed; nothing overflows", async () => {
    const { main } = await import("../docs/limits-and-security-2.js");
    const server = await main(0);
    const urls = started(server);
    const client = await connect(`${urls.ws}/`);
    const texts = await client.texts(1000);
    expect(texts[999]).toBe("item 999");
    expect(server.stats.overflowed).toBe(0);
  });

  it("limits-and-security-3: TLS from PEM files", async () => {
    quiet();
    const { mkdtemp, rm, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join(tmpdir(), "switchboard-tls-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const pems = await generate([{ name: "commonName", value: "localhost" }], {
      keyType: "ec",
    });
    await writeFile(join(dir, "cert.pem"), pems.cert);
    await writeFile(join(dir, "key.pem"), pems.private);
    const { main } = await import("../docs/limits-and-security-3.js");
    const server = await main(0, join(dir, "cert.pem"), join(dir, "key.pem"));
    const { port } = started(server);
    expect(server.address?.url).toBe(`https://127.0.0.1:${port}`);
    const ws = new WebSocket(`wss://127.0.0.1:${port}/chat`, { rejectUnauthorized: false });
    cleanups.push(() => ws.terminate());
    const first = await new Promise<string>((resolve, reject) => {
      ws.once("message", (data: Buffer) => resolve(data.toString()));
      ws.once("error", reject);
    });
    expect(first).toBe("welcome user_1");
  });
});

describe("scale-out", () => {
  it("scale-out-1: a publish on one process reaches the room on another, through Redis", async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const { main } = await import("../docs/scale-out-1.js");
    const one = await main(0, redis.url);
    cleanups.push(one.stop);
    const two = await main(0, redis.url);
    cleanups.push(two.stop);
    const a = await connect(`ws://127.0.0.1:${one.server.address?.port}/room/lobby`);
    const b = await connect(`ws://127.0.0.1:${two.server.address?.port}/room/lobby`);
    // Both processes subscribe the room's Redis channel when their first client joins it.
    await vi.waitFor(
      async () => expect(await subscriberCount(redis.url, "switchboard:lobby")).toBe(2),
      { timeout: 5000 },
    );
    a.send("hi from one");
    expect(await b.nextText()).toBe("user_1: hi from one");
    expect(await a.nextText()).toBe("user_1: hi from one");
  });
});

describe("backends", () => {
  for (const engine of ["ws", "uws"]) {
    it.skipIf(!runs(engine))(
      titled(`backends-1: the same ChatServer on ${engine}`, engine),
      async () => {
        quiet();
        const { main } = await import("../docs/backends-1.js");
        const urls = started(await main(0, engine));
        const client = await connect(`${urls.ws}/chat`);
        expect(await client.nextText()).toBe("welcome user_1");
      },
    );
  }
});

describe("migration pages", () => {
  it("migrating-from-ws-1: relays text and binary to the others", async () => {
    const { main } = await import("../docs/migrating-from-ws-1.js");
    const urls = started(await main(0));
    const a = await connect(`${urls.ws}/`);
    const b = await connect(`${urls.ws}/`);
    expect(await a.nextText()).toBe("welcome");
    expect(await b.nextText()).toBe("welcome");
    a.send("text");
    a.send(new Uint8Array([7]));
    expect(await b.nextText()).toBe("text");
    const binary = await b.next();
    expect([binary.binary, [...binary.data]]).toEqual([true, [7]]);
    expect(await a.silentFor(100)).toBe(true);
  });

  it("migrating-from-ws-2: async authorization in onWsUpgrade", async () => {
    const { main } = await import("../docs/migrating-from-ws-2.js");
    const urls = started(await main(0));
    expect(await refusal(`${urls.ws}/`, { authorization: "Bearer wrong" })).toBe(401);
    const client = await connect(`${urls.ws}/`, {
      headers: { authorization: "Bearer secret-1" },
    });
    expect(await client.nextText()).toBe("hello ada");
  });

  it("migrating-from-socket-io-1 + 2: rooms as topics, events as JSON", async () => {
    const { main } = await import("../docs/migrating-from-socket-io-1.js");
    const { chat, join, nextChat } = await import("../docs/migrating-from-socket-io-2.js");
    const server = await main(0);
    const urls = started(server);
    const ada = await join(`${urls.ws}/`, "lobby");
    const bob = await join(`${urls.ws}/`, "lobby");
    cleanups.push(
      () => ada.close(),
      () => bob.close(),
    );
    await vi.waitFor(() => expect(server.subscriberCount("lobby")).toBe(2));
    chat(ada, "lobby", "hi bob");
    expect(await nextChat(bob)).toBe("hi bob");
  });

  it("migrating-from-crossws-1: hooks as options, publish to a topic", async () => {
    quiet();
    const { main } = await import("../docs/migrating-from-crossws-1.js");
    const urls = started(await main(0));
    expect(await (await fetch(`${urls.http}/`)).text()).toBe("the HTTP side of the same port");
    expect(await refusal(`${urls.ws}/other`)).toBe(404);
    const a = await connect(`${urls.ws}/_ws`);
    const b = await connect(`${urls.ws}/_ws`);
    expect(await a.nextText()).toBe("welcome");
    expect(await b.nextText()).toBe("welcome");
    b.send("hello");
    expect(await a.nextText()).toBe("hello");
    expect(await b.silentFor(100)).toBe(true);
  });
});

describe("package READMEs", () => {
  it("readme-core: an echo server with a route", async () => {
    quiet();
    const { main } = await import("../docs/readme-core.js");
    const urls = started(await main(0));
    expect(await (await fetch(`${urls.http}/ping`)).text()).toBe("pong");
    const client = await connect(`${urls.ws}/`);
    client.send("hi");
    expect(await client.nextText()).toBe("echo: hi");
  });

  const servers = {
    ws: () => import("../docs/readme-server-ws.js"),
    uws: () => import("../docs/readme-server-uws.js"),
    "uws-engine": () => import("../docs/readme-server-uws-engine.js"),
  };
  for (const engine of ["ws", "uws", "uws-engine"] as const) {
    it.skipIf(!runs(engine))(titled(`readme-server-${engine}: echo`, engine), async () => {
      const { main } = await servers[engine]();
      const urls = started(await main(0));
      const client = await connect(`${urls.ws}/`);
      client.send("hi");
      expect(await client.nextText()).toBe("echo: hi");
    });
  }

  it("readme-client-browser-1 + 2: the tutorial transcript and callbacks, on a WebSocket shim", async () => {
    quiet();
    vi.stubGlobal("WebSocket", WebSocket);
    const { main: serve } = await import("../docs/getting-started-1.js");
    const { main } = await import("../docs/readme-client-browser-1.js");
    const { ChatClient } = await import("../docs/readme-client-browser-2.js");
    const urls = started(await serve(0));
    expect(await main(`${urls.ws}/chat`)).toEqual([
      "welcome user_1",
      "echo: hello server!",
      "welcome user_2",
      "user_2 joined",
      "echo: hi everyone!",
      "user_2: hi everyone!",
      "user_1 left",
    ]);
    const client = new ChatClient();
    cleanups.push(() => client.close());
    await client.connect(`${urls.ws}/chat`);
    await vi.waitFor(() => expect(client.received).toEqual(["welcome user_3"]));
  });

  it("conformance-2: the client suite's globalSetup starts its control server", async () => {
    const { default: setup } = await import("../docs/conformance-2.js");
    let provided: { control: string; backends: string[] } | undefined;
    const teardown = await setup({
      provide: (_key, value) => {
        provided = value;
      },
    });
    cleanups.push(teardown);
    expect(provided?.backends).toEqual(["ws"]);
    expect(provided?.control).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
