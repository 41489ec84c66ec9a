import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { Backend } from "@switchboard/core";
import { chatArgsOrExit } from "./args.js";
import { backends } from "./backends.js";
import { withCalmNotices } from "./calm-notices.js";
import { withEvents } from "./event-chat.js";
import { CHAT_PATH, chatUpgrades, textOnly } from "./policies.js";
import { type ChatClass, sharedRoom } from "./shared-room.js";
import { closeOnSignals, closeTimeoutMs } from "./shutdown.js";
import { serveWebUi } from "./web-ui.js";

const CLI_JS = fileURLToPath(new URL("./cli.js", import.meta.url));

/** Join and leave notices announced one by one per second; past it, one summary per second. */
const NOTICES_PER_SECOND = 20;

/**
 * Connection state recovery for the page and the terminal client (plain WebSocket clients do not
 * offer it and get the tutorial's raw lines as before): one that drops comes back within the
 * window as the same user and gets every line it missed. A user who vanished without a close
 * frame is announced as left once the window has passed, so it is kept short.
 */
const RECOVERY = { windowMs: 30_000 } as const;

/**
 * Runs a chat server class as the command line asks: backend, address, limits, and with
 * `--redis` one room shared with other processes. Adds the web page, the `/chat`-only upgrade
 * rule, text-only messages, calm join notices and graceful shutdown, so the class itself stays
 * the tutorial's.
 */
export async function runChat(Chat: ChatClass, argv: string[]): Promise<void> {
  const { backend, port, host, maxMessageBytes, maxConnectionsPerIp, maxMessagesPerSecond, redis } =
    chatArgsOrExit(argv);
  const log = (line: string) => console.error(`chat-example: ${line}`);
  const room = redis ? sharedRoom(redis, log) : undefined;
  const Server = withEvents(withCalmNotices(room ? room.numbered(Chat) : Chat, NOTICES_PER_SECOND));
  let engine: Backend;
  try {
    engine = await backends[backend]();
  } catch (error) {
    log(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const server = new Server({
    backend: engine,
    maxMessageBytes,
    maxConnectionsPerIp,
    maxMessagesPerSecond,
    closeTimeoutMs,
    recovery: RECOVERY,
    onWsUpgrade: chatUpgrades(room?.nextNumber),
    onWsMessageFrame: textOnly,
    ...(room && { pubsub: room.pubsub }),
  });
  serveWebUi(server);

  let url: string;
  try {
    ({ url } = await server.listen({ port, host }));
  } catch (error) {
    log(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
    await room?.close();
    process.exit(1);
  }
  const wsUrl = `${url.replace("http", "ws")}${CHAT_PATH}`;
  // Tools wait for this exact first line; the next two tell a person where to go.
  console.log(`chat-example listening on ${url} (backend ${backend}, WebSocket at ${wsUrl})`);
  console.log(`  open ${url}/ in a browser to chat`);
  console.log(`  or chat in a terminal: node ${relative(process.cwd(), CLI_JS)} ${wsUrl}`);
  if (redis) console.log(`  sharing the room through ${redactPassword(redis)}`);
  closeOnSignals(server, log, room?.close);
}

function redactPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}
