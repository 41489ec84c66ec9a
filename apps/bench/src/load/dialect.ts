/**
 * How a message travels to each kind of server. Plain WebSocket servers get the payload as the
 * whole message. socket.io needs its own protocol on top (engine.io packets: "0" open, "2"/"3"
 * ping/pong, "40" namespace connect, "42[event, data]" events), which the load speaks directly so
 * that every server faces the same cheap client.
 */
import { openRecoverySession, RECOVERY_PROTOCOL } from "./recovery.js";
import { connectWebSocket, type WsConnection } from "./ws-client.js";

export type DialectName = "plain" | "socket.io" | "events" | "recovery";
/** Which behaviour a connection asks for: its messages are echoed, or broadcast to everyone. */
export type MessageKind = "echo" | "broadcast";

export interface Dialect {
  readonly name: DialectName;
  path(kind: MessageKind): string;
  /** What goes before and after the payload in one message of this kind, both ways. */
  envelope(kind: MessageKind): { prefix: string; suffix: string; variablePrefix?: boolean };
  /** The subprotocol offered in the upgrade, if any. */
  protocol?: string;
}

const plain: Dialect = {
  name: "plain",
  path: (kind) => `/${kind}`,
  envelope: () => ({ prefix: "", suffix: "" }),
};

const socketIo: Dialect = {
  name: "socket.io",
  path: () => "/socket.io/?EIO=4&transport=websocket",
  envelope: (kind) => ({ prefix: `42["${kind}","`, suffix: `"]` }),
};

/**
 * Switchboard's typed events (docs/protocol.md): each message is an event envelope,
 * `\u001e[id,"e","echo","<payload>"]`. The server's reply carries its own id, so only the part
 * after the prefix is the same both ways.
 */
const events: Dialect = {
  name: "events",
  protocol: "switchboard.v1.json",
  path: (kind) => `/${kind}`,
  envelope: (kind) => ({ prefix: `\x1e[1,"e","${kind}","`, suffix: `"]`, variablePrefix: true }),
};

/**
 * Plain messages on a recovering session (docs/recovery.md): the same payloads as `plain`, after
 * a hello and a welcome, with acknowledgements both ways (recovery.ts).
 */
const recovery: Dialect = {
  name: "recovery",
  protocol: RECOVERY_PROTOCOL,
  path: (kind) => `/${kind}`,
  envelope: () => ({ prefix: "", suffix: "" }),
};

const DIALECTS: Record<DialectName, Dialect> = {
  plain,
  "socket.io": socketIo,
  events,
  recovery,
};

export function dialectFor(name: DialectName): Dialect {
  return DIALECTS[name];
}

export interface SessionHandlers {
  /** An application message (the dialect's own chatter is already handled). */
  message(payload: Buffer): void;
  closed(): void;
  afterData?(): void;
}

/** Opens a connection and finishes the dialect's own handshake; resolves when messages can flow. */
export function openSession(
  port: number,
  dialect: Dialect,
  kind: MessageKind,
  handlers: SessionHandlers,
): Promise<WsConnection> {
  if (dialect.name === "recovery") return openRecoverySession(port, dialect.path(kind), handlers);
  if (dialect.name !== "socket.io") {
    return connectWebSocket(port, dialect.path(kind), handlers, 10_000, dialect.protocol);
  }
  return new Promise((resolve, reject) => {
    let state: "open" | "connect" | "ready" = "open";
    let connection: WsConnection | undefined;
    const timer = setTimeout(() => {
      connection?.socket.destroy();
      reject(new Error("socket.io handshake timed out"));
    }, 10_000);
    connectWebSocket(port, dialect.path(kind), {
      message(payload, conn) {
        // engine.io ping: answer or the server drops us after pingTimeout.
        if (payload.length === 1 && payload[0] === 0x32) return conn.sendText("3");
        if (state === "ready") return handlers.message(payload);
        if (state === "open" && payload[0] === 0x30) {
          state = "connect";
          conn.sendText("40");
        } else if (state === "connect" && payload.toString("latin1", 0, 2) === "40") {
          state = "ready";
          clearTimeout(timer);
          resolve(conn);
        } else {
          conn.violations++;
        }
      },
      closed() {
        if (state !== "ready") {
          clearTimeout(timer);
          reject(new Error(`socket.io closed during its handshake (${state})`));
        }
        handlers.closed();
      },
      afterData: () => handlers.afterData?.(),
    }).then((conn) => {
      connection = conn;
    }, reject);
  });
}
