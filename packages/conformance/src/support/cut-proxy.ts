import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP relay on 127.0.0.1 that can cut every connection through it at once, without a close
 * frame: both sockets are destroyed, as a network that drops does. It goes on accepting, so a
 * reconnecting client comes back through it, to `target` (which a test may point elsewhere).
 */
export class CutProxy {
  /** The port new connections are relayed to. */
  target: number;
  /** How many connections were relayed. */
  accepted = 0;
  readonly #server: Server;
  readonly #pairs = new Set<[Socket, Socket]>();

  private constructor(server: Server, target: number) {
    this.#server = server;
    this.target = target;
  }

  /** Starts a proxy on 127.0.0.1 in front of the server on `target`. */
  static async open(target: number): Promise<CutProxy> {
    const server = createServer();
    const proxy = new CutProxy(server, target);
    server.on("connection", (client) => proxy.#relay(client));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  /** The port clients connect to instead of the server's. */
  get port(): number {
    return (this.#server.address() as { port: number }).port;
  }

  /** `ws://127.0.0.1:PORT` + path, through the proxy. */
  wsUrl(path = "/"): string {
    return `ws://127.0.0.1:${this.port}${path}`;
  }

  /** Drops every relayed connection now; returns how many there were. */
  cut(): number {
    const count = this.#pairs.size;
    for (const [client, upstream] of this.#pairs) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    this.#pairs.clear();
    return count;
  }

  /**
   * From now on, what the server sends on the current connections is read and thrown away: the
   * client hears nothing (no pings either), as behind a link that died one way.
   */
  freeze(): void {
    for (const [client, upstream] of this.#pairs) {
      upstream.unpipe(client);
      upstream.on("data", () => {});
      // unpipe paused it; a data listener alone does not resume it.
      upstream.resume();
    }
  }

  /** Stops the proxy and drops every connection through it. */
  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #relay(client: Socket): void {
    this.accepted++;
    const upstream = connect(this.target, "127.0.0.1");
    const pair: [Socket, Socket] = [client, upstream];
    this.#pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) {
      socket.on("error", drop);
      socket.on("close", drop);
    }
  }
}
