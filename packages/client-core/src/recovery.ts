import {
  AckCounter,
  type Control,
  encodeControl,
  escapeText,
  innerProtocol,
  ResendBuffer,
  readText,
  recoveryOffer,
} from "@switchboard/protocol";
import type { WebSocketClientBase } from "./client.js";
import type { Transport, TransportEvents, TransportOptions } from "./transport.js";

/**
 * What the client asks of its recovery: one per client, living across its connections. Made by
 * `recovery()`, given as the `recover` option (or `recover: true` where the platform client
 * includes it).
 */
export interface ClientRecovery {
  /** Whether the last connection resumed the session before it: nothing was missed either way. */
  readonly recovered: boolean;
  /**
   * Wraps one connection attempt's transport: `create` makes it with the events and the
   * subprotocols it is given (recovery offers its own in front of `protocols`).
   */
  wrap(
    create: (events: TransportEvents, protocols: string[]) => Transport,
    events: TransportEvents,
    protocols: string | string[],
  ): Transport;
  /** The client closed: the next connection starts a new session. */
  reset(): void;
}

/**
 * Recovery for `client`: pass it as the `recover` option
 * (`new WebSocketClient({ recover: recovery })`). It wraps each connection right above the
 * socket, below any layer (typed events) added later.
 */
export function recovery(client: WebSocketClientBase): ClientRecovery {
  const session = sessionRecovery();
  const seam = client as unknown as Seam;
  const create = seam.createTransport.bind(client);
  seam.createTransport = (url, options, events) =>
    session.wrap(
      (inner, protocols) => create(url, { ...options, protocols, text: true }, inner),
      events,
      options.protocols,
    );
  return session;
}

/** The client's transport seam, as the platform clients implement it. */
interface Seam {
  createTransport(url: string, options: TransportOptions, events: TransportEvents): Transport;
}

/**
 * Connection state recovery on the client (`switchboard.recovery.v1`, see docs/recovery.md):
 * counts what arrives and acknowledges it, keeps what it sent until the server acknowledges it,
 * and on a new connection names its session and what it received. The client sees the
 * connection open only once the server answered, after anything resent. Closures rather than a
 * class: this code ships in the browser bundle, and locals minify.
 */
function sessionRecovery(): ClientRecovery {
  let session: string | null = null;
  const outbound = new ResendBuffer();
  // readyState 1 is WebSocket.OPEN.
  const inbound = new AckCounter((control) => current?.readyState === 1 && current.send(control));
  /** The transport of the session's connection now, once welcomed. */
  let current: Transport | undefined;

  const self: Omit<ClientRecovery, "recovered"> & { recovered: boolean } = {
    recovered: false,
    reset() {
      session = null;
      outbound.clear();
      inbound.stop();
      inbound.received = 0;
      self.recovered = false;
    },
    wrap(create, events, protocols) {
      /** Until the server answers: the connection is not open for the client yet. */
      let hello = true;
      /** The server did not agree to recovery: messages pass as they are. */
      let plain = false;
      const inner: Transport = create(
        {
          onopen: () => {
            if (innerProtocol(inner.protocol) !== undefined) {
              inner.send(encodeControl(["hello", session, inbound.received]));
              return;
            }
            plain = true;
            self.reset();
            events.onopen();
          },
          onmessage: (event, binary = typeof event.data !== "string") => {
            let { data } = event;
            if (!plain && !binary) {
              const read = readText(data as string);
              if ("control" in read) {
                // A broken protocol: 4002 says it all (docs/recovery.md), a reason would only
                // cost the page bytes. The transport delivers nothing more once closing.
                if (!control(read.control)) inner.close(4002, "");
                else if (hello) {
                  hello = false;
                  events.onopen();
                }
                return;
              }
              data = read.data;
            }
            // Data before the welcome: the server skipped its answer.
            if (hello && !plain) return inner.close(4002, "");
            if (!plain) inbound.count();
            events.onmessage({ data }, binary);
          },
          onclose: (event) => {
            if (current === inner) {
              current = undefined;
              inbound.stop();
            }
            // Not spread: a browser's CloseEvent keeps its fields on the prototype.
            events.onclose(Object.assign(event, { resumable: !plain && !!session }));
          },
        },
        recoveryOffer(protocols),
      );
      /** Handles a control message; false when it breaks the protocol. */
      const control = (message: Control | undefined): boolean => {
        // Once welcomed only acks may come; before, only the welcome (an ack would open the
        // connection unwelcomed).
        if (!hello) return message?.[0] === "ack" && outbound.ack(message[1]);
        if (message?.[0] !== "welcome") return false;
        const [, id, recovered, received] = message;
        self.recovered = recovered && id === session && outbound.covers(received);
        if (recovered && !self.recovered) return false;
        if (self.recovered) {
          outbound.ack(received);
          for (const item of outbound.after(received)) inner.send(item);
        } else {
          // A new session: what the old one did not acknowledge may or may not have arrived.
          self.reset();
        }
        session = id;
        current = inner;
        inbound.resume();
        return true;
      };
      return {
        get readyState() {
          return inner.readyState;
        },
        get protocol() {
          return innerProtocol(inner.protocol) ?? inner.protocol;
        },
        get bufferedAmount() {
          return inner.bufferedAmount;
        },
        send: (data) => {
          if (plain) return inner.send(data);
          const binary = typeof data !== "string";
          const wire = binary ? data : escapeText(data);
          // The caller may reuse its buffer: keep a copy for a resend.
          outbound.push(binary ? data.slice() : wire);
          inner.send(wire);
        },
        close: inner.close.bind(inner),
      };
    },
  };
  return self;
}
