import { WebSocket } from "ws";
import { PausableLink } from "./paused.js";

/** A message as a test client received it. */
export interface Received {
  /** The message's bytes. */
  data: Uint8Array;
  /** True for a BINARY message. */
  binary: boolean;
  /** A TEXT message's text; "" for a BINARY one. */
  text: string;
}

/** How a test client's connection ended. */
export interface Closed {
  /** The close code the client saw (1006 when the connection dropped without a close frame). */
  code: number;
  /** The close reason. */
  reason: string;
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * A WebSocket client for tests: every message is queued, so nothing is lost between awaits.
 * Built on ws so it works against any backend.
 */
export class TestClient {
  /** The underlying ws socket, for tests that need to misbehave. */
  readonly ws: WebSocket;
  /** Resolves with the close code and reason once the connection has ended. */
  readonly closed: Promise<Closed>;
  #queue: Received[] = [];
  #waiters: ((message: Received) => void)[] = [];
  #link: PausableLink | undefined;

  private constructor(ws: WebSocket, link: PausableLink | undefined) {
    this.ws = ws;
    this.#link = link;
    this.closed = new Promise((resolve) => {
      ws.on("close", (code, reason) => {
        link?.close();
        resolve({ code, reason: reason.toString() });
      });
    });
    ws.on("error", () => {});
    ws.on("message", (data: Buffer, binary: boolean) => {
      const message = {
        data: new Uint8Array(data),
        binary,
        text: binary ? "" : data.toString("utf8"),
      };
      const waiter = this.#waiters.shift();
      if (waiter) waiter(message);
      else this.#queue.push(message);
    });
  }

  /**
   * Opens a connection; rejects on refusal. With `pausable`, it goes through a `PausableLink`,
   * so `setReading(false)` can make this client a slow reader. `localAddress` (a loopback
   * address such as 127.0.0.2) is the address the server sees the client come from.
   */
  static async connect(
    url: string,
    options: {
      protocols?: string[];
      headers?: Record<string, string>;
      pausable?: boolean;
      localAddress?: string;
    } = {},
  ): Promise<TestClient> {
    const target = new URL(url);
    const link = options.pausable ? await PausableLink.open(Number(target.port)) : undefined;
    if (link) target.port = String(link.port);
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(target.href, options.protocols ?? [], {
        headers: options.headers,
        maxPayload: 256 * 1024 * 1024,
        ...(options.localAddress && { localAddress: options.localAddress }),
      });
      const client = new TestClient(ws, link);
      ws.once("open", () => resolve(client));
      ws.once("unexpected-response", (_req, res) =>
        reject(new Error(`upgrade refused: ${res.statusCode}`)),
      );
      ws.once("error", (error) => {
        link?.close();
        reject(error);
      });
    });
  }

  /** Stops (false) or resumes (true) reading; needs `connect(url, { pausable: true })`. */
  setReading(reading: boolean): void {
    if (!this.#link) throw new Error("setReading needs a client connected with { pausable: true }");
    this.#link.setReading(reading);
  }

  /** The next message, waiting up to `timeoutMs`. */
  next(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Received> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`no message within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (message: Received) => {
        clearTimeout(timer);
        resolve(message);
      };
      this.#waiters.push(waiter);
    });
  }

  /** The next message's text. */
  async nextText(timeoutMs?: number): Promise<string> {
    return (await this.next(timeoutMs)).text;
  }

  /** The next `count` texts. */
  async texts(count: number, timeoutMs?: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(await this.nextText(timeoutMs));
    return out;
  }

  /** Resolves true if no message arrives within `ms` (to prove something was not delivered). */
  async silentFor(ms: number): Promise<boolean> {
    if (this.#queue.length > 0) return false;
    try {
      await this.next(ms);
      return false;
    } catch {
      return true;
    }
  }

  /** Messages received but not yet taken. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Sends a message: strings as TEXT and bytes as BINARY unless `binary` says otherwise. */
  send(data: string | Uint8Array, binary = typeof data !== "string"): void {
    this.ws.send(data, { binary });
  }

  /** Sends a close frame and waits for the connection to end. */
  async close(code = 1000, reason = ""): Promise<Closed> {
    this.ws.close(code, reason);
    return this.closed;
  }

  /** Drops the TCP connection without a close frame. */
  drop(): void {
    this.ws.terminate();
    this.#link?.close();
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it is true, failing after `timeoutMs`. */
export async function eventually(
  check: () => boolean,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
