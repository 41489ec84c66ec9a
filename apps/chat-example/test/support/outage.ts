import { once } from "node:events";
import { createServer, type Server } from "node:net";
import { CutProxy } from "@switchboard/conformance";

/**
 * A network between the clients and the chat server that can go down for a while: a `CutProxy`
 * whose connections are cut without a close frame, and which, while down, resets every new
 * connection at once (so a reconnecting client fails and backs off, as with no route to the host).
 */
export class Outage {
  readonly proxy: CutProxy;
  readonly #target: number;
  readonly #refuser: Server;

  private constructor(proxy: CutProxy, target: number, refuser: Server) {
    this.proxy = proxy;
    this.#target = target;
    this.#refuser = refuser;
  }

  /** A link on 127.0.0.1 in front of the server on `target`. */
  static async open(target: number): Promise<Outage> {
    const refuser = createServer((socket) => socket.resetAndDestroy());
    refuser.listen(0, "127.0.0.1");
    await once(refuser, "listening");
    return new Outage(await CutProxy.open(target), target, refuser);
  }

  /** `http://127.0.0.1:PORT` through the link. */
  get url(): string {
    return `http://127.0.0.1:${this.proxy.port}`;
  }

  /**
   * Cuts every connection now and keeps the link down for `ms`, running `meanwhile` as it is
   * down; returns how many connections were cut. The link is up again when this resolves.
   */
  async down(ms: number, meanwhile: () => Promise<void>): Promise<number> {
    this.proxy.target = (this.#refuser.address() as { port: number }).port;
    const cut = this.proxy.cut();
    const timer = new Promise((resolve) => setTimeout(resolve, ms));
    try {
      await meanwhile();
      await timer;
    } finally {
      this.proxy.target = this.#target;
    }
    return cut;
  }

  async close(): Promise<void> {
    await this.proxy.close();
    this.#refuser.close();
  }
}
