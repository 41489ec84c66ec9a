import { WebSocket } from "ws";

/** A message as a client received it. */
export interface Message {
  data: Buffer;
  binary: boolean;
}

/** A ws client that keeps every message it receives, for counting and checking order. */
export class Collector {
  readonly messages: Message[] = [];
  readonly #ws: WebSocket;
  #waiters: { count: number; resolve: () => void }[] = [];

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on("error", () => {});
    ws.on("message", (data: Buffer, binary: boolean) => {
      this.messages.push({ data, binary });
      this.#waiters = this.#waiters.filter((waiter) => {
        if (this.messages.length < waiter.count) return true;
        waiter.resolve();
        return false;
      });
    });
  }

  static connect(url: string): Promise<Collector> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { maxPayload: 64 * 1024 * 1024 });
      ws.once("open", () => resolve(new Collector(ws)));
      ws.once("error", reject);
    });
  }

  /** The received text messages. */
  get texts(): string[] {
    return this.messages
      .filter((message) => !message.binary)
      .map((message) => message.data.toString("utf8"));
  }

  send(data: string | Uint8Array): void {
    this.#ws.send(data, { binary: typeof data !== "string" });
  }

  /** Waits until `count` messages arrived in total; rejects after `timeoutMs` with how many did. */
  waitFor(count: number, timeoutMs = 20_000): Promise<void> {
    if (this.messages.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter !== entry);
        reject(
          new Error(
            `expected ${count} messages, got ${this.messages.length} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      const entry = {
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.#waiters.push(entry);
    });
  }

  /** Waits `ms` and tells whether nothing arrived beyond `count` messages. */
  async nothingBeyond(count: number, ms: number): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.messages.length === count;
  }

  clear(): void {
    this.messages.length = 0;
  }

  close(): Promise<void> {
    if (this.#ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.#ws.once("close", () => resolve());
      this.#ws.close();
    });
  }
}

/** Polls `condition` every 20 ms for at most `timeoutMs`; rejects naming `what` if it never holds. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < Math.ceil(timeoutMs / 20) + 1; attempt++) {
    if (await condition()) return;
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
