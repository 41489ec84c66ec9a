import { type Channel, type Opcode, WebServer } from "@switchboard/core";

/**
 * The server the client suite talks to: echoes every message with its opcode, sends
 * `?burst=N` numbered messages ("m0"…) the moment a connection opens, and records opens and
 * closes for the tests to read back.
 */
export class ProbeServer extends WebServer {
  /** Every connection opened, in order. */
  readonly opens: {
    /** The upgrade request's path and query. */
    url: string;
    /** The agreed subprotocol, or "". */
    protocol: string;
  }[] = [];
  /** The close code and reason of every connection that ended, in order. */
  readonly closes: [code: number, reason: string][] = [];

  override onWsOpen(channel: Channel, url: string) {
    this.opens.push({ url, protocol: channel.protocol });
    const burst = Number(new URL(url, "http://127.0.0.1").searchParams.get("burst") ?? 0);
    for (let i = 0; i < Math.min(burst, 10_000); i++) this.send(channel, `m${i}`);
  }

  override onWsMessageFrame(channel: Channel, data: Uint8Array, opcode: Opcode) {
    this.send(channel, data, opcode);
  }

  override onWsClose(_channel: Channel, code: number, reason: string) {
    this.closes.push([code, reason]);
  }
}
