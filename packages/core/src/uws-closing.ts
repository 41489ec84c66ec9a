/** A uWebSockets socket (uWebSockets.js, Bun): what holding its close needs. */
interface UwsSocket {
  getBufferedAmount(): number;
}

/**
 * The closing handshake on a uWebSockets-based engine, which queues the close frame behind the
 * backlog but drops the socket at its next timeout sweep (within 4 s), backlog taken or not: a
 * slow reader still taking it would see 1006, not the code it was closed with. These hold the
 * close until the backlog is out (the socket's drain), within core's `closeTimeoutMs` as on every
 * engine. Held closes are kept aside, not on the socket: they are rare, and a field would cost
 * every connection.
 */
export class UwsClosing<Socket extends UwsSocket> {
  readonly #held = new WeakMap<Socket, readonly [code: number, reason: string]>();
  readonly #end: (socket: Socket, code: number, reason: string) => void;

  /** `end` is the engine's closing handshake. */
  constructor(end: (socket: Socket, code: number, reason: string) => void) {
    this.#end = end;
  }

  /** `EngineSocket.close`: at once with nothing queued, else once the backlog is out. */
  close(socket: Socket, code: number, reason: string): void {
    if (socket.getBufferedAmount() === 0) this.#end(socket, code, reason);
    else this.#held.set(socket, [code, reason]);
  }

  /** From the socket's drain callback, after core's: sends a held close once nothing is left. */
  drained(socket: Socket): void {
    const held = this.#held.get(socket);
    if (held === undefined || socket.getBufferedAmount() !== 0) return;
    this.#held.delete(socket);
    this.#end(socket, held[0], held[1]);
  }
}
