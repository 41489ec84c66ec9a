import { WebSocketClient } from "@switchboard/client-node";
import { CutProxy, TestClient } from "@switchboard/conformance";
import { type RedisServer, startRedis } from "@switchboard/test-support/redis-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKEND_CASES } from "./support/engines.js";
import { type RunningServer, runServer, startServer, stopServer } from "./support/process.js";

let redis: RedisServer | undefined;
let onWs: RunningServer | undefined;
let onUws: RunningServer | undefined;
const clients: TestClient[] = [];

async function join(server: RunningServer | undefined): Promise<TestClient> {
  if (!server) throw new Error("the chat processes did not start");
  const client = await TestClient.connect(server.chatUrl);
  clients.push(client);
  return client;
}

const uws = BACKEND_CASES.find((entry) => entry.backend === "uws");

describe.skipIf(uws?.unavailable !== undefined)(
  `--redis: a ws chat process and a uWS chat process share one room${uws?.unavailable ? ` (cannot run: ${uws.unavailable})` : ""}`,
  () => {
    beforeAll(async () => {
      redis = await startRedis();
      [onWs, onUws] = await Promise.all([
        startServer(["--backend", "ws", "--port", "0", "--redis", redis.url]),
        startServer(["--backend", "uws", "--port", "0", "--redis", redis.url]),
      ]);
    });

    afterAll(async () => {
      for (const client of clients.splice(0)) client.drop();
      await stopServer(onWs);
      await stopServer(onUws);
      await redis?.stop();
    });

    it("carries joins, messages and leaves across processes exactly once, with unique names", async () => {
      const alice = await join(onWs);
      expect(await alice.nextText()).toBe("welcome user_1");
      const bob = await join(onUws);
      // Numbered by Redis: the uWS process's first user is user_2, not a second user_1.
      expect(await bob.nextText()).toBe("welcome user_2");
      expect(await alice.nextText()).toBe("user_2 joined");

      alice.send("hello server!");
      expect(await alice.nextText()).toBe("echo: hello server!");
      expect(await bob.nextText()).toBe("user_1: hello server!");

      bob.send("hi everyone!");
      expect(await bob.nextText()).toBe("echo: hi everyone!");
      expect(await alice.nextText()).toBe("user_2: hi everyone!");

      // A third user on the ws process: heard once by the local and once by the remote client.
      const carol = await join(onWs);
      expect(await carol.nextText()).toBe("welcome user_3");
      expect(await alice.nextText()).toBe("user_3 joined");
      expect(await bob.nextText()).toBe("user_3 joined");

      await bob.close();
      expect(await alice.nextText()).toBe("user_2 left");
      expect(await carol.nextText()).toBe("user_2 left");

      // A last message from each remaining process's side: had anything above arrived twice, the
      // duplicate would come before it (a process's messages keep their order through Redis).
      carol.send("end");
      expect(await alice.nextText()).toBe("user_3: end");
      expect(await carol.nextText()).toBe("echo: end");
      expect(alice.pending).toBe(0);
      expect(carol.pending).toBe(0);
    });

    it("counts /clients per process and serves the page on both", async () => {
      expect(await (await fetch(`${onWs!.url}/clients`)).text()).toBe("2");
      expect(await (await fetch(`${onUws!.url}/clients`)).text()).toBe("0");
      expect((await fetch(`${onUws!.url}/`)).status).toBe(200);
    });

    it("refuses to start (exit 1) when Redis cannot be reached", async () => {
      const unreachable = `redis://127.0.0.1:${redis!.port}`;
      await redis!.stop();
      redis = undefined;
      const exit = await runServer(["--port", "0", "--redis", unreachable]);
      expect(exit.code).toBe(1);
      expect(exit.stderr).toMatch(/cannot start: .*127\.0\.0\.1/);
      expect(exit.stdout).not.toMatch(/listening on/);
    });
  },
);

/** Polls `done` every 20 ms for at most `ms`. */
async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("--redis: a chat process that shuts down hands its users to another one", () => {
  let store: RedisServer | undefined;
  let first: RunningServer | undefined;
  let second: RunningServer | undefined;
  let proxy: CutProxy | undefined;
  let alice: WebSocketClient | undefined;

  beforeAll(async () => {
    store = await startRedis();
    const args = ["--backend", "ws", "--port", "0", "--redis", store.url];
    [first, second] = await Promise.all([startServer(args), startServer(args)]);
    proxy = await CutProxy.open(first.port);
  });

  afterAll(async () => {
    await alice?.close().catch(() => {});
    for (const client of clients.splice(0)) client.drop();
    await proxy?.close();
    await stopServer(first);
    await stopServer(second);
    await store?.stop();
  });

  it("a recovering user keeps their name and misses nothing; nobody hears them leave or join", async () => {
    const lines: string[] = [];
    alice = new WebSocketClient({
      recover: true,
      reconnect: { initialDelay: 20, maxDelay: 100 },
      onMessage: (text) => lines.push(text),
    });
    await alice.connect(proxy!.wsUrl("/chat"));
    await until(() => lines.includes("welcome user_1"), 10_000, "alice's welcome");
    const bob = await join(second);
    expect(await bob.nextText()).toBe("welcome user_2");
    await until(() => lines.includes("user_2 joined"), 10_000, "bob's join");

    // The process alice is on stops (a restart, a deploy); she comes back to the other one.
    proxy!.target = second!.port;
    first!.child.kill("SIGTERM");
    expect((await first!.exited).code).toBe(0);
    await until(() => alice!.isConnected && alice!.recovered, 20_000, "alice recovered");

    alice.send("still here");
    // Had she been announced as gone or new, that line would come first.
    expect(await bob.nextText()).toBe("user_1: still here");
    await until(() => lines.includes("echo: still here"), 10_000, "alice's echo");
    bob.send("welcome back");
    await until(() => lines.includes("user_2: welcome back"), 10_000, "bob's line");
    expect(lines.filter((line) => /^(welcome|user_1 )/.test(line))).toEqual(["welcome user_1"]);
    expect(await (await fetch(`${second!.url}/clients`)).text()).toBe("2");
  });
});
