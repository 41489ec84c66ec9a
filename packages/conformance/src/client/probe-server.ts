import {
  type Admission,
  type Channel,
  type Opcode,
  WebServer,
  type WsUpgradeRequest,
} from "@switchboard/core";
import type { SinkTally } from "./control.js";

/**
 * The server the client suite talks to: echoes every message with its opcode, sends
 * `?burst=N` numbered messages ("m0"…) the moment a connection opens, and records opens and
 * closes for the tests to read back. On `?sink=1` it echoes nothing and only counts the binary
 * messages it gets, checking that their first four bytes number them 0, 1, 2…
 *
 * For the reconnect policy: `?refuse=STATUS` (and `&retryAfter=VALUE`) refuses the upgrade with
 * that status (and `Retry-After` header); `?close=CODE&reason=R` closes each connection with
 * that code as soon as it opens, 1006 meaning dropped without a close frame.
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
  /** Upgrade requests seen, refused ones included: one per connection attempt. */
  upgrades = 0;
  /** What `?sink=1` connections sent. */
  readonly sunk: SinkTally = { count: 0, bytes: 0, inOrder: true };

  override onWsUpgrade(request: WsUpgradeRequest, admission: Admission) {
    this.upgrades++;
    const status = request.query.get("refuse");
    const retryAfter = request.query.get("retryAfter");
    if (!status) return admission.accept({ protocol: request.protocols[0] });
    return admission.reject(Number(status), retryAfter ? { "retry-after": retryAfter } : {});
  }

  override onWsOpen(channel: Channel, url: string) {
    this.opens.push({ url, protocol: channel.protocol });
    const query = new URL(url, "http://127.0.0.1").searchParams;
    const close = Number(query.get("close"));
    // uWS drops a socket terminated inside its open handler before the 101 is out: wait a bit.
    if (close === 1006) return void setTimeout(() => channel.terminate(), 20);
    if (close) return channel.close(close, query.get("reason") ?? "");
    const burst = Number(query.get("burst") ?? 0);
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
