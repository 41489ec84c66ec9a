import { TestClient } from "@switchboard/conformance";
import { afterEach, describe, expect, it } from "vitest";
import { type Cli, startCli as startTrackedCli } from "./support/cli.js";
import { CLI_JS, type RunningServer, runNode, startServer, stopServer } from "./support/process.js";

/**
 * Longer than `--max-message-bytes 64` as an event. The limit stays above the recovery hello
 * (about 60 bytes with a session id), which counts against it like any message.
 */
const LONG_LINE = "a line longer than the sixty-four bytes this server takes in one message";

const servers: RunningServer[] = [];
const clis: Cli[] = [];
const clients: TestClient[] = [];

function startCli(url: string): Cli {
  const cli = startTrackedCli(url);
  clis.push(cli);
  return cli;
}

async function server(...flags: string[]): Promise<RunningServer> {
  const started = await startServer(["--port", "0", ...flags]);
  servers.push(started);
  return started;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.drop();
  for (const cli of clis.splice(0)) await stopServer(cli);
  for (const running of servers.splice(0)) await stopServer(running);
});

describe("the terminal client", () => {
  it("prints the chat and sends each line typed: the transcript with a second client", async () => {
    const { chatUrl } = await server();
    const alice = startCli(chatUrl);
    expect(await alice.stdout.next()).toBe("welcome user_1");
    await alice.stderr.seen(/^\[connected to ws:\/\/127\.0\.0\.1:\d+\/chat\]$/);

    const bob = await TestClient.connect(chatUrl);
    clients.push(bob);
    expect(await bob.nextText()).toBe("welcome user_2");
    expect(await alice.stdout.next()).toBe("user_2 joined");

    alice.type("hello server!");
    expect(await alice.stdout.next()).toBe("echo: hello server!");
    expect(await bob.nextText()).toBe("user_1: hello server!");

    bob.send("hi everyone!");
    expect(await bob.nextText()).toBe("echo: hi everyone!");
    expect(await alice.stdout.next()).toBe("user_2: hi everyone!");
    // An empty line is not sent: the next thing bob hears is the line after it.
    alice.type("");
    alice.type("bye");
    expect(await bob.nextText()).toBe("user_1: bye");
    expect(await alice.stdout.next()).toBe("echo: bye");
    await bob.close();
    expect(await alice.stdout.next()).toBe("user_2 left");
    expect(alice.stdout.pending).toBe(0);
  });

  it("speaks typed events: /clients is a request over the socket, the count and typing go to stderr", async () => {
    const { chatUrl } = await server();
    const alice = startCli(chatUrl);
    expect(await alice.stdout.next()).toBe("welcome user_1");
    await alice.stderr.seen(/^\[1 online\]$/);
    const bob = await TestClient.connect(chatUrl, { protocols: ["switchboard.v1.json"] });
    clients.push(bob);
    expect(await alice.stdout.next()).toBe("user_2 joined");
    await alice.stderr.seen(/^\[2 online\]$/);
    bob.send(`\x1e${JSON.stringify([1, "e", "typing", true])}`);
    await alice.stderr.seen(/^\[user_2 is typing…\]$/);
    alice.type("/clients");
    await alice.stderr.seen(/^\[connected: user_1, user_2\]$/);
    // The request was no chat line: the next line alice prints is bob's.
    bob.send(`\x1e${JSON.stringify([2, "e", "message", "hi"])}`);
    expect(await alice.stdout.next()).toBe("user_2: hi");
  });

  it("exits 0 on end of input, closing its connection so the others see it leave", async () => {
    const { chatUrl } = await server();
    const watcher = await TestClient.connect(chatUrl);
    clients.push(watcher);
    await watcher.nextText();
    const cli = startCli(chatUrl);
    expect(await watcher.nextText()).toBe("user_2 joined");
    await cli.stdout.next();
    cli.child.stdin?.end();
    expect(await cli.exited).toMatchObject({ code: 0, signal: null });
    expect(await watcher.nextText()).toBe("user_2 left");
  });

  it("exits 0 on Ctrl-C (SIGINT)", async () => {
    const { chatUrl } = await server();
    const cli = startCli(chatUrl);
    await cli.stdout.next();
    cli.child.kill("SIGINT");
    expect(await cli.exited).toMatchObject({ code: 0, signal: null });
  });

  it("reconnects when the server restarts on the same port, and says so on stderr", async () => {
    const first = await server("--backend", "ws");
    const cli = startCli(first.chatUrl);
    expect(await cli.stdout.next()).toBe("welcome user_1");

    first.child.kill("SIGTERM");
    await first.exited;
    await cli.stderr.seen(/^\[connection lost \(1001\), reconnecting…\]$/);

    // The ws backend can listen on the port again at once (uWS would wait for TIME_WAIT).
    await server("--backend", "ws", "--port", String(first.port));
    expect(await cli.stdout.next()).toBe("welcome user_1");
    // A new process knows nothing of the old session: a new user, and the CLI says so.
    await cli.stderr.seen(
      /^\[reconnected to \S+ as a new user; lines said meanwhile were missed\]$/,
    );
    cli.type("back again");
    expect(await cli.stdout.next()).toBe("echo: back again");
  });

  it("stops, says why and exits 1 when the server closes it for good (1009), instead of retrying", async () => {
    const { chatUrl } = await server("--max-message-bytes", "64");
    const cli = startCli(chatUrl);
    expect(await cli.stdout.next()).toBe("welcome user_1");
    cli.type(LONG_LINE);
    // The engine refuses the frame itself, so whether a reason comes with 1009 is its choice.
    await cli.stderr.seen(/^\[closed by the server: 1009( .+)?\]$/);
    expect(await cli.exited).toMatchObject({ code: 1, signal: null });
    // It never came back: the next user of this server is still user_2.
    const next = await TestClient.connect(chatUrl);
    clients.push(next);
    expect(await next.nextText()).toBe("welcome user_2");
  });

  it("stops, says why and exits 1 when the upgrade is refused (404)", async () => {
    const { url } = await server();
    const cli = startCli(`${url.replace("http", "ws")}/not-the-chat`);
    await cli.stderr.seen(/^\[refused by the server: HTTP 404\]$/);
    expect(await cli.exited).toMatchObject({ code: 1, signal: null });
  });

  it.each([
    [[], /missing the chat URL/],
    [["http://127.0.0.1:8080/chat"], /must start with ws:\/\/ or wss:\/\//],
  ])("exits 2 with a message and the usage for %j", async (args, message) => {
    const exit = await runNode(CLI_JS, args);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toMatch(message);
    expect(exit.stderr).toMatch(/^usage: node dist\/cli\.js ws:/m);
    expect(exit.stdout).toBe("");
  });
});
