import { type Channel, type Opcode, WebServer } from "@switchboard/core";
import type { SinkTally } from "./control.js";

/**
 * The server the client suite talks to: echoes every message with its opcode, sends
 * `?burst=N` numbered messages ("m0"…) the moment a connection opens, and records opens and
 * closes for the tests to read back. On `?sink=1` it echoes nothing and only counts the binary
 * messages it gets, checking that their first four bytes number them 0, 1, 2…
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
  /** What `?sink=1` connections sent. */
  readonly sunk: SinkTally = { count: 0, bytes: 0, inOrder: true };

  override onWsOpen(channel: Channel, url: string) {
    this.opens.push({ url, protocol: channel.protocol });
    const burst = Number(new URL(url, "http://127.0.0.1").searchParams.get("burst") ?? 0);
    for (let i = 0; i < Math.min(burst, 10_000); i++) this.send(channel, `m${i}`);
  }

  override onWsMessageFrame(channel: Channel, data: Uint8Array, opcode: Opcode) {
    if (!channel.url.includes("sink=1")) {
      this.send(channel, data, opcode);
      return;
    }
    const index =
      data.byteLength >= 4 ? new DataView(data.buffer, data.byteOffset).getUint32(0) : -1;
    if (index !== this.sunk.count) this.sunk.inOrder = false;
    this.sunk.count++;
    this.sunk.bytes += data.byteLength;
  }

  override onWsClose(_channel: Channel, code: number, reason: string) {
    this.closes.push([code, reason]);
  }
}
