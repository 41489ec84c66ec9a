import { type HostileScript, type HostileState, hostile } from "./hostile.js";
import type { RecoveryState } from "./recovery-app.js";
import type { ClientServersInfo } from "./types.js";

/**
 * Which server the control server runs: the tutorial chat, the echo probe, typed events (with
 * recovery on for `events-recovery`), or recovery (window 10 s, or 300 ms for `recovery-short`).
 */
export type ServerApp =
  | "chat"
  | "probe"
  | "events"
  | "events-recovery"
  | "recovery"
  | "recovery-short";

/** What the probe server recorded. */
export interface ProbeState {
  /** Connected clients right now. */
  clientCount: number;
  /** Upgrade requests seen, refused ones included. */
  upgrades: number;
  /** Every connection opened, in order. */
  opens: {
    /** The upgrade request's path and query. */
    url: string;
    /** The agreed subprotocol, or "". */
    protocol: string;
  }[];
  /** The close code and reason of every connection that ended, in order. */
  closes: [code: number, reason: string][];
  /** Binary messages `?sink=1` connections sent. */
  sunk: SinkTally;
  /** Invalid messages the events server received. */
  invalid: number;
  /** What the recovery app recorded (empty for the other apps). */
  recovery: RecoveryState;
}

/** What a probe server counted of the binary messages sent to it on `?sink=1`. */
export interface SinkTally {
  /** How many arrived. */
  count: number;
  /** Their bytes in all. */
  bytes: number;
  /** Whether their first four bytes numbered them 0, 1, 2… in arrival order. */
  inOrder: boolean;
}

/** A Switchboard server in the globalSetup process, driven over HTTP (works from a browser too). */
export interface RemoteServer {
  /** The port it listens on (kept across `stop` and `restart`). */
  port: number;
  /** Its id at the control server. */
  id: string;
  /** `ws://127.0.0.1:PORT` + path. */
  wsUrl(path?: string): string;
  /** Stops listening (clients get 1001); the port stays reserved for `restart`. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  /** Closes every connection with this code and reason. */
  kick(code: number, reason: string): Promise<void>;
  /** What the probe server recorded so far. */
  state(): Promise<ProbeState>;
  /** Closes the server for good. */
  dispose(): Promise<void>;
}

/** Talks to the control server started by `clientServers()`. */
export class ControlClient {
  readonly #base: string;

  constructor(info: ClientServersInfo) {
    this.#base = info.control;
  }

  async start(backend: string, app: ServerApp): Promise<RemoteServer> {
    const { id, port } = await this.call<{ id: string; port: number }>("/start", { backend, app });
    return {
      port,
      id,
      wsUrl: (path = "/") => `ws://127.0.0.1:${port}${path}`,
      stop: () => this.call("/stop", { id }),
      restart: () => this.call("/restart", { id }),
      kick: (code, reason) => this.call("/kick", { id, code: String(code), reason }),
      state: () => this.call("/state", { id }),
      dispose: () => this.call("/dispose", { id }),
    };
  }

  /**
   * A bare WebSocket server that closes every connection at once with `code` and `reason`, for
   * codes no Switchboard server sends (1010); `upgrades` counts the connections it accepted.
   */
  async rawCloser(
    code: number,
    reason: string,
  ): Promise<{ url: string; upgrades(): Promise<number>; dispose(): Promise<void> }> {
    const server = await this.hostile({ frames: [hostile.close(code, reason)], after: "end" });
    return {
      url: server.url,
      upgrades: async () => (await server.state()).upgrades,
      dispose: server.dispose,
    };
  }

  /**
   * A TCP proxy in front of `server` that can cut its connections without a close frame; `pump`
   * makes the recovery app send `count` numbered messages, cutting the proxy `cuts` times.
   */
  async cutProxy(server: RemoteServer): Promise<{
    wsUrl(path?: string): string;
    cut(): Promise<void>;
    pump(count: number, cuts: number): Promise<void>;
  }> {
    const { id, port } = await this.call<{ id: string; port: number }>("/proxy", {
      id: server.id,
    });
    return {
      wsUrl: (path = "/") => `ws://127.0.0.1:${port}${path}`,
      cut: () => this.call("/cut", { id }),
      pump: (count, cuts) =>
        this.call("/pump", { id: server.id, proxy: id, count: String(count), cuts: String(cuts) }),
    };
  }

  /**
   * A server on a bare TCP socket that answers every upgrade as `script` says and sends the
   * frames it lists, byte for byte (see `HostileScript`); `state` is what it saw.
   */
  async hostile(
    script: HostileScript,
  ): Promise<{ url: string; state(): Promise<HostileState>; dispose(): Promise<void> }> {
    const body = JSON.stringify(script);
    const { id, port } = await this.call<{ id: string; port: number }>("/hostile", {}, body);
    return {
      url: `ws://127.0.0.1:${port}/`,
      state: () => this.call("/hostile-state", { id }),
      dispose: () => this.call("/dispose", { id }),
    };
  }

  /** A port where nothing listens. */
  async closedPort(): Promise<number> {
    return (await this.call<{ port: number }>("/closed-port", {})).port;
  }

  /** A TCP server that accepts connections and never answers; `dispose` frees it. */
  async silentServer(): Promise<{ port: number; dispose(): Promise<void> }> {
    const { id, port } = await this.call<{ id: string; port: number }>("/silent", {});
    return { port, dispose: () => this.call("/dispose", { id }) };
  }

  async call<T>(path: string, params: Record<string, string>, body?: string): Promise<T> {
    // A POST without custom headers, its body (if any) text/plain, needs no CORS preflight from
    // a browser page.
    const response = await fetch(`${this.#base}${path}?${new URLSearchParams(params)}`, {
      method: "POST",
      ...(body === undefined ? {} : { body }),
    });
    if (!response.ok)
      throw new Error(`control ${path} failed: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }
}
