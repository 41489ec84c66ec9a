import { WebSocket } from "ws";

/** The recovery subprotocol, as docs/recovery.md defines it. */
export const RECOVERY_PROTOCOL = "switchboard.recovery.v1";

type Welcome = { session: string; recovered: boolean };

/**
 * A client of the recovery wire format written from docs/recovery.md alone, on ws: what a
 * third-party client would do. It reconnects at once after every drop, keeps everything it sent
 * on the session (a test sends a bounded number) and acknowledges every 100 messages.
 */
export class RecoveringTestClient {
  /** Data messages received on the current session, in order. */
  readonly received: string[] = [];
  /** Every welcome, in order. */
  readonly welcomes: Welcome[] = [];
  /** The close code of every connection that ended, in order. */
  readonly closeCodes: number[] = [];
  /** Data messages sent on the current session, in order (message n is `sent[n - 1]`). */
  #sent: string[] = [];
  #session: string | null = null;
  #ws: WebSocket | undefined;
  #ready = false;
  #closing = false;
  #welcomed: (() => void)[] = [];
  readonly #url: string;

  private constructor(url: string) {
    this.#url = url;
  }

  /** Connects; resolves at the first welcome. */
  static async connect(url: string): Promise<RecoveringTestClient> {
    const client = new RecoveringTestClient(url);
    await client.#open();
    return client;
  }

  get ready(): boolean {
    return this.#ready;
  }

  /** Resolves at the next welcome. */
  nextWelcome(): Promise<void> {
    return new Promise((resolve) => this.#welcomed.push(resolve));
  }

  send(text: string): void {
    this.#sent.push(text);
    if (this.#ready) this.#ws?.send(toWire(text));
  }

  async close(): Promise<void> {
    this.#closing = true;
    const ws = this.#ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once("close", () => resolve());
      ws.close(1000);
    });
  }

  #open(): Promise<void> {
    const welcomed = this.nextWelcome();
    const ws = new WebSocket(this.#url, [RECOVERY_PROTOCOL]);
    this.#ws = ws;
    ws.on("error", () => {});
    ws.on("open", () => {
      ws.send(`\x1f${JSON.stringify(["hello", this.#session, this.received.length])}`);
    });
    ws.on("message", (raw: Buffer, binary: boolean) => {
      let text = raw.toString("utf8");
      if (!binary && text.startsWith("\x1f")) {
        if (!text.startsWith("\x1f\x1f")) {
          this.#control(ws, JSON.parse(text.slice(1)) as unknown[]);
          return;
        }
        text = text.slice(1);
      }
      this.received.push(text);
      if (this.received.length % 100 === 0) {
        ws.send(`\x1f${JSON.stringify(["ack", this.received.length])}`);
      }
    });
    ws.on("close", (code: number) => {
      this.closeCodes.push(code);
      this.#ready = false;
      if (!this.#closing) setTimeout(() => void this.#open(), 5);
    });
    return welcomed;
  }

  #control(ws: WebSocket, control: unknown[]): void {
    if (control[0] !== "welcome") return;
    const [, session, recovered, got] = control as [string, string, boolean, number];
    if (!recovered) {
      this.received.length = 0;
      this.#sent = [];
    }
    this.#session = session;
    this.welcomes.push({ session, recovered });
    for (const text of this.#sent.slice(got)) ws.send(toWire(text));
    this.#ready = true;
    for (const resolve of this.#welcomed.splice(0)) resolve();
  }
}

function toWire(text: string): string {
  return text.startsWith("\x1f") ? `\x1f${text}` : text;
}
