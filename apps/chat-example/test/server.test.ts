import { TestClient } from "@switchboard/conformance";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningServer, runServer, startServer, stopServer } from "./support/process.js";

let server: RunningServer | undefined;
const clients: TestClient[] = [];

async function join(): Promise<TestClient> {
  if (!server) throw new Error("start the server first");
  const client = await TestClient.connect(`${server.url.replace("http", "ws")}/chat`);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.drop();
  await stopServer(server);
  server = undefined;
});

describe("the built chat example", () => {
  it("prints the URL it listens on, with the port that --port 0 picked", async () => {
    server = await startServer(["--backend", "ws", "--host", "127.0.0.1", "--port", "0"]);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).not.toMatch(/:0$/);
  });

  it("plays the HV-06 transcript: welcome, joined, echo, broadcast, left", async () => {
    server = await startServer(["--port", "0"]);
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
  });

  it("answers GET /ping with pong as text/plain and GET /clients with the client count", async () => {
    server = await startServer(["--port", "0"]);
    const ping = await fetch(`${server.url}/ping`);
    expect(ping.status).toBe(200);
    expect(ping.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await ping.text()).toBe("pong");

    expect(await (await fetch(`${server.url}/clients`)).text()).toBe("0");
    const alice = await join();
    await alice.nextText();
    const bob = await join();
    await bob.nextText();
    expect(await (await fetch(`${server.url}/clients`)).text()).toBe("2");
  });

  it.each(["SIGTERM", "SIGINT"] as const)(
    "on %s closes every client with 1001 and exits 0",
    async (signal) => {
      server = await startServer(["--port", "0"]);
      const alice = await join();
      await alice.nextText();
      const bob = await join();
      await bob.nextText();
      server.child.kill(signal);
      expect((await alice.closed).code).toBe(1001);
      expect((await bob.closed).code).toBe(1001);
      expect(await server.exited).toMatchObject({ code: 0, signal: null });
    },
  );

  it("closes a message over --max-message-bytes with 1009", async () => {
    server = await startServer(["--port", "0", "--max-message-bytes", "16"]);
    const alice = await join();
    await alice.nextText();
    alice.send("x".repeat(17));
    expect((await alice.closed).code).toBe(1009);
  });

  it.each([
    [["--bogus"], /Unknown option '--bogus'/],
    [["--port", "http"], /--port must be an integer/],
    [["--port", "70000"], /--port must be an integer/],
    [["--backend", "nope"], /unknown backend "nope"/],
    [["--max-message-bytes", "0"], /--max-message-bytes must be an integer/],
    [["extra"], /Unexpected argument 'extra'/],
  ])("exits 2 with a message on stderr for %j", async (args, message) => {
    const exit = await runServer(args);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toMatch(message);
    expect(exit.stderr).toMatch(/^usage: /m);
  });
});
