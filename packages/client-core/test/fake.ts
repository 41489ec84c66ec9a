import {
  attemptError,
  type Transport,
  type TransportClose,
  type TransportEvents,
  type TransportOptions,
  WebSocketClientBase,
} from "../src/index.js";

/** A socket the test drives by hand: it records what the client did and fires events on demand. */
export class FakeSocket implements Transport {
  readyState = 0;
  protocol = "";
  bufferedAmount = 0;
  readonly sent: (string | Uint8Array)[] = [];
  closedWith: [number, string] | undefined;

  constructor(
    readonly url: string,
    readonly options: TransportOptions,
    readonly events: TransportEvents,
  ) {}

  send(data: string | Uint8Array): void {
    this.sent.push(data);
  }

  close(code: number, reason: string): void {
    this.closedWith = [code, reason];
  }

  open(protocol = ""): void {
    this.readyState = 1;
    this.protocol = protocol;
    this.events.onopen();
  }

  receive(data: string | Uint8Array, binary = typeof data !== "string"): void {
    this.events.onmessage({ data }, binary);
  }

  drop(code = 1006, reason = "", error?: TransportClose["error"]): void {
    this.readyState = 3;
    this.events.onclose({ code, reason, error });
  }

  /** The server cannot be reached, as the Node client reports it. */
  refuse(message = "ECONNREFUSED"): void {
    this.drop(1006, "", attemptError("CONNECT_FAILED", this.url, message, new Error(message)));
  }

  /** The server answers the upgrade with `status` (and Retry-After in ms), as the Node client reports it. */
  answer(status: number, retryAfter?: number): void {
    const cause = new Error(`Unexpected server response: ${status}`);
    this.drop(
      1006,
      "",
      attemptError("UPGRADE_REFUSED", this.url, status, cause, { status, retryAfter }),
    );
  }
}

/** The shared client on fake sockets; `sockets` holds every attempt in order. */
export class FakeClient extends WebSocketClientBase {
  readonly sockets: FakeSocket[] = [];
  /** What `watch` was called with, in order. */
  readonly watched: boolean[] = [];

  /** What the browser client does when the page comes back online. */
  wake(): void {
    this.retryNow();
  }

  protected override watch(active: boolean): void {
    this.watched.push(active);
  }

  get socket(): FakeSocket {
    return this.sockets.at(-1)!;
  }

  protected override createTransport(
    url: string,
    options: TransportOptions,
    events: TransportEvents,
  ): Transport {
    const socket = new FakeSocket(url, options, events);
    this.sockets.push(socket);
    return socket;
  }
}

/** Lets pending promise callbacks run (works under fake timers). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
