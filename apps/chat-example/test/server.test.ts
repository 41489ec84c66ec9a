import { rawExchange, statusOf, TestClient, upgradeRequest } from "@switchboard/conformance";
import { afterEach, describe, expect, it } from "vitest";
import { BACKEND_CASES } from "./support/engines.js";
import { maskedFrame } from "./support/frames.js";
import { type RunningServer, runServer, startServer, stopServer } from "./support/process.js";

let server: RunningServer | undefined;
const clients: TestClient[] = [];

async function join(path = "/chat"): Promise<TestClient> {
  if (!server) throw new Error("start the server first");
  const client = await TestClient.connect(`ws://127.0.0.1:${server.port}${path}`);
  clients.push(client);
  return client;
}

/** Joins and takes the welcome. */
async function joined(): Promise<TestClient> {
  const client = await join();
  expect(await client.nextText()).toMatch(/^welcome user_\d+$/);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.drop();
  await stopServer(server);
  server = undefined;
});

for (const { backend, runtime, unavailable } of BACKEND_CASES) {
  const title = unavailable
    ? `the built chat server on ${backend} (skipped: ${unavailable})`
    : `the built chat server on ${backend}`;
  describe.skipIf(unavailable !== undefined)(title, () => {
    const start = async (...flags: string[]) => {
      server = await startServer(
        ["--backend", backend, "--host", "127.0.0.1", "--port", "0", ...flags],
        runtime,
      );
      return server;
    };

    it("plays the HV-06 transcript: welcome, joined, echo, broadcast, left", async () => {
      await start();
      // The printed URL carries the port that --port 0 picked.
      expect(server!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server!.port).toBeGreaterThan(0);
      const alice = await join();
      expect(await alice.nextText()).toBe("welcome user_1");
      const bob = await join();
      expect(await bob.nextText()).toBe("welcome user_2");
      expect(await alice.nextText()).toBe("user_2 joined");

      alice.send("hello server!");
      expect(await alice.nextText()).toBe("echo: hello server!");
      expect(await bob.nextText()).toBe("user_1: hello server!");

      bob.send("hi everyone!");
      expect(await bob.nextText()).toBe("echo: hi everyone!");
      expect(await alice.nextText()).toBe("user_2: hi everyone!");

      await bob.close();
      expect(await alice.nextText()).toBe("user_2 left");
      expect(alice.pending).toBe(0);
    });

    it("announces a client whose TCP connection dropped as left", async () => {
      await start();
      const alice = await joined();
      const bob = await joined();
      expect(await alice.nextText()).toBe("user_2 joined");
      bob.drop();
      expect(await alice.nextText()).toBe("user_2 left");
    });

    it("serves HTTP on the same port: /ping, /clients, the chat page at /, and 404 elsewhere", async () => {
      await start();
      const ping = await fetch(`${server!.url}/ping`);
      expect(ping.status).toBe(200);
      expect(ping.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(await ping.text()).toBe("pong");

      expect(await (await fetch(`${server!.url}/clients`)).text()).toBe("0");
      await joined();
      await joined();
      expect(await (await fetch(`${server!.url}/clients`)).text()).toBe("2");

      const page = await fetch(`${server!.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      const html = await page.text();
      expect(html).toContain('src="/assets/app.js"');
      expect(html).toContain('href="/assets/style.css"');

      const script = await fetch(`${server!.url}/assets/app.js`);
      expect(script.headers.get("content-type")).toMatch(/javascript/);
      expect(await script.text()).toContain("/clients");
      const css = await fetch(`${server!.url}/assets/style.css`);
      expect(css.headers.get("content-type")).toMatch(/^text\/css/);

      for (const path of ["/nope", "/assets/nope.js", "/assets/../server.js", "/chat"]) {
        const response = await fetch(`${server!.url}${path}`);
        await response.body?.cancel();
        expect({ path, status: response.status }).toEqual({ path, status: 404 });
      }
    });

    it("refuses WebSocket upgrades on any path but /chat with 404, and nobody hears of them", async () => {
      await start();
      const alice = await joined();
      for (const path of ["/", "/other", "/chat/", "/chat/x"]) {
        await expect(join(path)).rejects.toThrow(/upgrade refused: 404/);
      }
      // Had a refused upgrade counted as a user, the next one would not be user_2.
      await joined();
      expect(await alice.nextText()).toBe("user_2 joined");
    });

    it("closes a binary message's sender with 1003 and delivers nothing of it", async () => {
      await start();
      const alice = await joined();
      const bob = await joined();
      expect(await alice.nextText()).toBe("user_2 joined");
      bob.send(new Uint8Array([1, 2, 3]));
      expect((await bob.closed).code).toBe(1003);
      expect(await alice.next()).toMatchObject({ binary: false, text: "user_2 left" });
      alice.send("still here");
      expect(await alice.nextText()).toBe("echo: still here");
    });

    it("closes a message over --max-message-bytes with 1009 and delivers nothing of it", async () => {
      await start("--max-message-bytes", "16");
      const alice = await joined();
      const bob = await joined();
      expect(await alice.nextText()).toBe("user_2 joined");
      bob.send("x".repeat(17));
      // The chat server runs with recovery on, so the engine's own bound is at least 256 bytes
      // (room for recovery's control messages) and core refuses the message with a close frame,
      // on uWS too, whose engine would drop the connection (1006) at its own bound.
      expect((await bob.closed).code).toBe(1009);
      expect(await alice.nextText()).toBe("user_2 left");
      alice.send("x".repeat(16));
      expect(await alice.nextText()).toBe(`echo: ${"x".repeat(16)}`);
    });

    it("survives malformed input: bad frames drop their sender only, and HTTP garbage is refused", async () => {
      await start();
      const alice = await joined();
      const badFrames = [
        maskedFrame(0x1, new Uint8Array([0xff, 0xfe])), // invalid UTF-8 in a text frame
        maskedFrame(0x3, new Uint8Array([1])), // a reserved opcode
        maskedFrame(0x0, new TextEncoder().encode("hi")), // a continuation of nothing
      ];
      for (const [index, frame] of badFrames.entries()) {
        // uWS leaves some of these connections open: take what came within half a second.
        const answer = await rawExchange(
          server!.port,
          Buffer.concat([Buffer.from(upgradeRequest("/chat"), "latin1"), frame]),
          500,
        );
        expect(statusOf(answer)).toBe(101);
        const user = `user_${index + 2}`;
        expect(await alice.texts(2)).toEqual([`${user} joined`, `${user} left`]);
      }
      const garbage = await rawExchange(server!.port, "\x00\x01 NOT HTTP AT ALL\r\n\r\n", 500);
      expect(statusOf(garbage)).not.toBe(200);

      const bob = await join();
      expect(await bob.nextText()).toBe("welcome user_5");
      bob.send("after the bad input");
      expect(await alice.texts(2)).toEqual(["user_5 joined", "user_5: after the bad input"]);
      expect(await (await fetch(`${server!.url}/ping`)).text()).toBe("pong");
    });

    it.each(["SIGTERM", "SIGINT"] as const)(
      "on %s closes every client with 1001 and exits 0",
      async (signal) => {
        await start();
        const alice = await joined();
        const bob = await joined();
        server!.child.kill(signal);
        expect((await alice.closed).code).toBe(1001);
        expect((await bob.closed).code).toBe(1001);
        expect(await server!.exited).toMatchObject({ code: 0, signal: null });
      },
    );
  });
}

describe("the chat server's command line", () => {
  // Every rejected flag is covered by args.test.ts in-process; this checks the process contract.
  it("exits 2 with the problem and the usage on stderr for a bad flag", async () => {
    const exit = await runServer(["--port", "http"]);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toMatch(/--port must be an integer/);
    expect(exit.stderr).toMatch(/^usage: /m);
  });

  it("prints the usage and exits 0 for --help", async () => {
    const exit = await runServer(["--help"]);
    expect(exit.code).toBe(0);
    expect(exit.stdout).toMatch(/^usage: .*--backend ws\|uws/);
  });
});
