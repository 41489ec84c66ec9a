import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Channel,
  cors,
  EventError,
  EventHub,
  HttpError,
  Opcode,
  SwitchboardError,
  serveStatic,
  WebServer,
  type WebServerOptions,
} from "@switchboard/core";
import { expect } from "vitest";
import { eventually, TestClient } from "./client.js";
import type { Running, SuiteContext } from "./context.js";
import { EVENTS_PROTOCOL } from "./event-wire.js";
import { framingRoutes } from "./framing-routes.js";

/** What only a file outside the static root holds: a response that contains it escaped the root. */
export const SECRET = "outside-the-root-7f3a";

/** The events the target handles: one event and one request. */
interface HostileEvents {
  clientEvents: { say: unknown };
  serverEvents: Record<never, never>;
  clientRequests: { add(numbers: { a: number; b: number }): number };
  serverRequests: Record<never, never>;
}

/**
 * The server every hostile probe attacks: raw messages, typed events, recovery, HTTP routes and
 * static files on one port. It records what reached user code, so a probe can show that bad
 * input never did, and every error `onError` got, so a probe can show each was a typed one.
 */
export class HostileTarget extends WebServer {
  /** Every data message that reached `onWsMessageFrame`, as latin1 text. */
  readonly delivered: string[] = [];
  /** Every route that ran. */
  readonly reached: string[] = [];
  /** Every error `onError` was given. */
  readonly errors: unknown[] = [];
  /** TEXT messages that reached user code although they are not UTF-8: must stay 0. */
  invalidText = 0;
  /** Channels opened and closed. */
  opened = 0;
  closed = 0;
  hub!: EventHub<HostileEvents>;
  /** What typed event handlers received. */
  readonly events: unknown[] = [];

  override onInit() {
    this.use(cors({ origins: ["https://good.example"], credentials: true }));
    framingRoutes(this, this.reached);
    this.get("/users/:id", (req) => `user ${req.params["id"]}`);
    this.get("/static/*", serveStatic(staticDir()));
  }

  override onWsOpen() {
    this.opened++;
  }

  override onWsClose() {
    this.closed++;
  }

  override onWsMessageFrame(channel: Channel, data: Uint8Array, opcode: Opcode) {
    if (opcode === Opcode.TEXT && !isUtf8(data)) this.invalidText++;
    this.delivered.push(Buffer.from(data).toString("latin1"));
    this.send(channel, data, opcode);
  }

  override onError(error: unknown) {
    this.errors.push(error);
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function isUtf8(data: Uint8Array): boolean {
  try {
    strictUtf8.decode(data);
    return true;
  } catch {
    return false;
  }
}

let dir: string | undefined;
function staticDir(): string {
  dir ??= makeRoot();
  return dir;
}

function makeRoot(): string {
  const parent = mkdtempSync(join(tmpdir(), "switchboard-hostile-"));
  writeFileSync(join(parent, "secret.txt"), SECRET);
  const root = mkdtempSync(join(parent, "public-"));
  writeFileSync(join(root, "hello.txt"), "hello");
  return root;
}

/** Starts a target with recovery (a short window, so dropped sessions end within a test) and events. */
export async function startTarget(
  ctx: SuiteContext,
  options: Partial<Omit<WebServerOptions, "backend">> = {},
): Promise<Running<HostileTarget>> {
  const running = await ctx.start(
    (backend) =>
      new HostileTarget({
        backend,
        maxMessageBytes: 64 * 1024,
        maxBodyBytes: 1000,
        recovery: { windowMs: 200 },
        ...options,
      }),
  );
  const server = running.server;
  server.hub = new EventHub<HostileEvents>(server, { maxInvalidPayloads: 0 });
  server.hub.on("say", (_channel, payload) => void server.events.push(payload));
  server.hub.handle("add", (_channel, { a, b }) => a + b);
  return running;
}

/** The fields of a TEXT envelope (`\x1e[…]`); an empty list for anything else. */
export function fieldsOf(text: string): unknown[] {
  if (!text.startsWith("\x1e[")) return [];
  return JSON.parse(text.slice(1)) as unknown[];
}

/** Whether an error is one of Switchboard's typed errors. */
export function isTyped(error: unknown): boolean {
  return (
    error instanceof SwitchboardError || error instanceof HttpError || error instanceof EventError
  );
}

/**
 * The invariants after any abuse: the server still answers HTTP and WebSocket clients, typed
 * events still work, every error it reported was typed, nothing was polluted, and once every
 * peer is gone no channel is left behind.
 */
export async function expectHealthy(
  running: Running<HostileTarget>,
  headers: Record<string, string> = {},
): Promise<void> {
  const { server } = running;
  const ping = await fetch(running.httpUrl("/ping"));
  expect(await ping.text()).toBe("pong");
  const client = await TestClient.connect(running.wsUrl("/"), { headers });
  client.send("still here");
  expect(await client.nextText()).toBe("still here");
  await client.close();
  const events = await TestClient.connect(running.wsUrl("/"), {
    protocols: [EVENTS_PROTOCOL],
    headers,
  });
  events.send('\x1e[1,"q","add",{"a":2,"b":3}]');
  expect(fieldsOf((await events.next()).text).slice(1)).toEqual(["r", 1, 5]);
  await events.close();
  expect(server.errors.filter((error) => !isTyped(error))).toEqual([]);
  expect(server.invalidText).toBe(0);
  expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  await eventually(() => server.clientCount === 0, 5000, "every channel gone");
  expect(server.closed).toBe(server.opened);
}
