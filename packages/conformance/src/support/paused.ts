import { connect, createServer, type Server, type Socket } from "node:net";
import type { TestClient } from "./client.js";

/**
 * A TCP relay between one test client and the server that can stop reading from the server: a
 * slow or frozen reader on any runtime, without reaching into a client library's socket.
 * While paused, what the server sends piles up in the kernel and then in the server's buffer,
 * exactly as with a peer that stopped reading.
 */
export class PausableLink {
  readonly #server: Server;
  readonly #upstreams = new Set<Socket>();
  #paused = false;

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Listens on a free loopback port and relays each connection to `port`. */
  static async open(port: number): Promise<PausableLink> {
    const server = createServer();
    const link = new PausableLink(server);
    server.on("connection", (client) => link.#relay(client, port));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return link;
  }

  /** The port clients connect to instead of the server's. */
  get port(): number {
    return (this.#server.address() as { port: number }).port;
  }

  /** Stops (false) or resumes (true) reading what the server sends. */
  setReading(reading: boolean): void {
    this.#paused = !reading;
    for (const upstream of this.#upstreams) {
      if (reading) upstream.resume();
      else upstream.pause();
    }
  }

  /** Stops listening and drops every relayed connection. */
  close(): void {
    for (const upstream of this.#upstreams) upstream.destroy();
    this.#server.close();
  }

  #relay(client: Socket, port: number): void {
    const upstream = connect(port, "127.0.0.1");
    this.#upstreams.add(upstream);
    if (this.#paused) upstream.pause();
    // Written by hand rather than piped: a pipe resumes its source on every drain.
    client.on("data", (chunk) => upstream.write(chunk));
    upstream.on("data", (chunk) => client.write(chunk));
    // An end is passed on as an end, after what is still queued: a close frame must not be lost.
    upstream.on("end", () => client.end());
    client.on("end", () => upstream.end());
    upstream.on("close", (hadError) => {
      this.#upstreams.delete(upstream);
      if (hadError) client.destroy();
      else client.end();
    });
    client.on("close", () => upstream.destroy());
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop);
    upstream.on("error", drop);
  }
}

/** Stops or resumes reading on a test client opened with `{ pausable: true }`, to play a slow reader. */
export function setReading(client: TestClient, reading: boolean): void {
  client.setReading(reading);
}
