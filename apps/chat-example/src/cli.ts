import { createInterface } from "node:readline";
import { ClientError, EventClient, WebSocketClient } from "@switchboard/client-node";
import { type ChatEvents, chatSchemas } from "./chat-events.js";
import { CLI_USAGE, parseCliArgs } from "./cli-args.js";
import { USAGE_EXIT_CODE } from "./exit-codes.js";
import { stopReason } from "./stop-reason.js";

/** How long quitting waits for the server to answer the close frame. */
const CLOSE_BUDGET_MS = 2000;

const parsed = parseCliArgs(process.argv.slice(2));
if ("help" in parsed) {
  console.log(CLI_USAGE);
  process.exit(0);
}
if ("error" in parsed) {
  console.error(`chat-cli: ${parsed.error}\n${CLI_USAGE}`);
  process.exit(USAGE_EXIT_CODE);
}
const { url } = parsed;

// Chat lines go to stdout, unchanged, so the output can be piped; everything else is stderr.
const status = (line: string) => console.error(`[${line}]`);
let everOpen = false;
let unreachable = false;
let quitting = false;

const client: WebSocketClient = new WebSocketClient({
  reconnect: { initialDelay: 250, maxDelay: 2000 },
  // Back within the server's window, this is the same user and gets every line it missed.
  recover: true,
  // Messages are printed as they arrive; none are kept for nextMessage().
  maxUnreadMessages: 0,
  onOpen() {
    if (!everOpen) status(`connected to ${url}`);
    else if (client.recovered) status(`reconnected to ${url}, nothing missed`);
    else status(`reconnected to ${url} as a new user; lines said meanwhile were missed`);
    everOpen = true;
    unreachable = false;
  },
  // A chat server without typed events still speaks the tutorial's raw lines.
  onMessage(text) {
    if (!chat.negotiated) print(text);
  },
  onClose(code, _reason, reconnecting) {
    if (!quitting && reconnecting) status(`connection lost (${code}), reconnecting…`);
  },
  onError(error) {
    // Stopped: onStop says why.
    if (client.state === "closed") return;
    // Every failed attempt reports here while the server is down: say it once per outage.
    if (error instanceof ClientError && error.code === "CONNECT_FAILED") {
      if (!unreachable) status(`cannot reach ${url}, retrying…`);
      unreachable = true;
    } else if (error instanceof ClientError && error.code === "UPGRADE_REFUSED") {
      if (!unreachable) status(`${stopReason(error)}, retrying…`);
      unreachable = true;
    } else {
      status(error instanceof Error ? error.message : String(error));
    }
  },
  // The server closed us for a reason retrying cannot fix (a limit, a ban), refused us, or
  // stayed away too long: say why and exit, rather than come back to be refused again.
  onStop(error) {
    status(stopReason(error));
    process.exit(1);
  },
});

const print = (line: string) => process.stdout.write(`${line}\n`);
const chat = new EventClient<ChatEvents>(client, { schemas: chatSchemas });
let nickname = "";
let online = 0;
// The same lines as the tutorial's transcript, from typed events.
chat.on("welcome", (user) => {
  nickname = user;
  print(`welcome ${user}`);
});
chat.on("message", ({ from, text }) =>
  print(from === nickname ? `echo: ${text}` : `${from}: ${text}`),
);
chat.on("joined", (user) => print(`${user} joined`));
chat.on("left", (user) => print(`${user} left`));
chat.on("typing", ({ user, typing }) => typing && status(`${user} is typing…`));
chat.on("online", (count) => {
  if (count !== online) status(`${count} online`);
  online = count;
});

/** `/clients` asks the server over the socket who is connected. */
async function listClients(): Promise<void> {
  try {
    const names = await chat.request("clients", undefined, { timeoutMs: 5000 });
    status(`connected: ${names.join(", ")}`);
  } catch (error) {
    status(`/clients failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function quit(): Promise<void> {
  if (quitting) return;
  quitting = true;
  const budget = setTimeout(() => process.exit(0), CLOSE_BUDGET_MS);
  await client.close();
  clearTimeout(budget);
  process.exit(0);
}

const input = createInterface({ input: process.stdin, terminal: false });
input.on("line", (line) => {
  // An empty line would broadcast "user_N: " to everyone.
  if (line === "" || quitting) return;
  try {
    // Until the first connection says otherwise, assume the server speaks events (queued).
    if (chat.negotiated === false) client.send(line);
    else if (line === "/clients") void listClients();
    else chat.emit("message", line);
  } catch (error) {
    status(`not sent: ${error instanceof Error ? error.message : String(error)}`);
  }
});
input.on("close", quit);
process.on("SIGINT", quit);
process.on("SIGTERM", quit);

// A failure that ends the client also reaches onStop, which reports it and exits.
client.connect(url).catch(() => {});
