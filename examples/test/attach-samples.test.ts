// Runs the attach guide's samples (docs/attach.md) against real servers on 127.0.0.1: each
// framework's own routes keep working, and the chat runs on the same port.
import type { AddressInfo } from "node:net";
import { TestClient } from "@switchboard/conformance";
import { uwsBackend } from "@switchboard/server-uws";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Why the uWebSockets.js build the examples install does not load on this runtime, if it does not. */
const uwsUnavailable = (() => {
  try {
    uwsBackend();
    return undefined;
  } catch (error) {
    return String((error as Error).message).split(". ")[0];
  }
})();

const quiet = () => vi.spyOn(console, "log").mockImplementation(() => {});

async function get(url: string) {
  const response = await fetch(url);
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    body: await response.text(),
  };
}

async function connect(url: string) {
  const client = await TestClient.connect(url);
  cleanups.push(() => client.drop());
  return client;
}

/** Two clients chat: the tutorial's transcript, as each of them sees it. */
async function chatWorks(wsUrl: string) {
  const alice = await connect(wsUrl);
  expect(await alice.nextText()).toMatch(/^welcome user_\d+$/);
  const bob = await connect(wsUrl);
  const bobName = (await bob.nextText()).replace("welcome ", "");
  expect(await alice.nextText()).toBe(`${bobName} joined`);
  bob.send("hi alice");
  expect(await bob.nextText()).toBe("echo: hi alice");
  expect(await alice.nextText()).toBe(`${bobName}: hi alice`);
  return { alice, bob };
}

describe("attach guide", () => {
  it("attach-node-http: the application's pages, the chat's routes and the chat on one port", async () => {
    quiet();
    const { main } = await import("../docs/attach-node-http.js");
    const { httpServer, chat } = await main(0);
    cleanups.push(() => new Promise((resolve) => httpServer.close(resolve)));
    cleanups.push(() => chat.close());
    const { port } = httpServer.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    expect((await get(`${base}/about`)).body).toBe("the application answers /about\n");
    expect((await get(`${base}/ping`)).body).toBe("pong");
    const { alice } = await chatWorks(`ws://127.0.0.1:${port}/chat`);
    expect((await get(`${base}/clients`)).body).toBe("2");
    await chat.close();
    expect((await alice.closed).code).toBe(1001);
    // The application's server keeps serving, and /ping is the application's again.
    expect((await get(`${base}/ping`)).body).toBe("the application answers /ping\n");
  });

  it("attach-express: Express routes and static files, the chat at /chat; close() closes it all", async () => {
    quiet();
    const { main } = await import("../docs/attach-express.js");
    const chat = await main(0);
    cleanups.push(() => chat.close());
    const base = chat.address?.url ?? "";
    expect(await get(`${base}/api/hello/bob`)).toMatchObject({ status: 200, body: "hello bob" });
    expect(JSON.parse((await get(`${base}/api/time`)).body).now).toMatch(/^\d{4}-/);
    const page = await get(`${base}/`);
    expect(page.type).toContain("text/html");
    expect(page.body).toContain("<title>Express and a Switchboard chat</title>");
    // Without routes, Switchboard's /ping is not served: every HTTP request is Express's.
    expect((await get(`${base}/ping`)).status).toBe(404);
    const { alice } = await chatWorks(`${base.replace("http", "ws")}/chat`);
    await chat.close();
    expect((await alice.closed).code).toBe(1001);
    await expect(fetch(`${base}/api/time`)).rejects.toThrow();
  });

  it("attach-fastify: Fastify's routes, the chat's routes and the chat; fastify.close() closes the chat first", async () => {
    quiet();
    const { main } = await import("../docs/attach-fastify.js");
    const fastify = await main(0);
    cleanups.push(() => fastify.close());
    const { port } = fastify.server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    expect(JSON.parse((await get(`${base}/api/hello`)).body)).toEqual({ hello: "from fastify" });
    expect((await get(`${base}/ping`)).body).toBe("pong");
    const missing = await get(`${base}/nowhere`);
    expect(missing.status).toBe(404);
    expect(missing.type).toContain("application/json"); // Fastify's 404, not Switchboard's
    const { alice, bob } = await chatWorks(`ws://127.0.0.1:${port}/chat`);
    await fastify.close();
    expect((await alice.closed).code).toBe(1001);
    expect((await bob.closed).code).toBe(1001);
  });

  it("attach-handle-upgrade: the application routes upgrades to the chat and to its own ws endpoint", async () => {
    const { main } = await import("../docs/attach-handle-upgrade.js");
    const { httpServer, chat, legacy } = await main(0);
    cleanups.push(() => new Promise((resolve) => httpServer.close(resolve)));
    cleanups.push(() => legacy.close());
    cleanups.push(() => chat.close());
    const { port } = httpServer.address() as AddressInfo;
    await chatWorks(`ws://127.0.0.1:${port}/chat?room=1`);
    const old = await connect(`ws://127.0.0.1:${port}/legacy`);
    expect(await old.nextText()).toBe("legacy endpoint");
    const elsewhere = new WebSocket(`ws://127.0.0.1:${port}/elsewhere`);
    const failed = await new Promise<boolean>((resolve) => {
      elsewhere.on("open", () => resolve(false));
      elsewhere.on("error", () => resolve(true));
    });
    expect(failed).toBe(true);
    expect(chat.clientCount).toBe(2);
  });

  it.skipIf(uwsUnavailable !== undefined)(
    `attach-uws-app: the chat and its routes beside the uWS app's own routes${uwsUnavailable ? ` (cannot run: ${uwsUnavailable})` : ""}`,
    async () => {
      const { main } = await import("../docs/attach-uws-app.js");
      const { chat, port, stop } = await main(0);
      cleanups.push(stop);
      const base = `http://127.0.0.1:${port}`;
      expect((await get(`${base}/hello`)).body).toBe("hello from uWS");
      expect((await get(`${base}/ping`)).body).toBe("pong");
      const { alice } = await chatWorks(`ws://127.0.0.1:${port}/chat`);
      expect((await get(`${base}/clients`)).body).toBe("2");
      expect(chat.address?.port).toBe(0); // a uWS app does not say where it listens
      await stop();
      expect((await alice.closed).code).toBe(1001);
    },
  );
});
