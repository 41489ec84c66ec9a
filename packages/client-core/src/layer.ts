import type { WebSocketClientBase } from "./client.js";
import type { Transport, TransportEvents, TransportOptions } from "./transport.js";
import { toPayload } from "./validation.js";

/**
 * A protocol between a client and each of its connections, on top of raw messages: the typed
 * events layer (`EventClient`) is one. It offers its subprotocol, learns when a connection opens
 * and ends, and reads every message before the raw callbacks.
 */
export interface ClientLayer {
  /** The subprotocol to offer, before the client's own. */
  readonly protocol: string;
  /** A connection opened; the messages queued meanwhile are written right after. */
  opened(transport: Transport): void;
  /** A message arrived: truthy when the layer took it (a promise while an async schema runs), and the raw callbacks never see it. */
  received(payload: string | Uint8Array, binary: boolean): boolean | Promise<void>;
  /**
   * A connection ended (`final` false), or the client is closed for good (`final` true).
   * `resumable`: recovery may resume its session on the next connection.
   */
  closed(final: boolean, resumable?: boolean): void;
}

/** The protected methods of the client that a layer wraps: its seam to the platform. */
interface Seam {
  createTransport(url: string, options: TransportOptions, events: TransportEvents): Transport;
  watch(active: boolean): void;
}

/**
 * Puts `layer` between `client` and its connections, before its first `connect()`. It wraps
 * the transport seam of this one client, so the client itself carries no layer code: a page
 * that uses none does not pay for it. Returns whether a `send` now goes straight onto an open
 * connection (not into the offline queue, as it does while the server's close is under way).
 */
export function addLayer(client: WebSocketClientBase, layer: ClientLayer): () => boolean {
  const seam = client as unknown as Seam;
  const create = seam.createTransport.bind(client);
  const watch = seam.watch.bind(client);
  /** The latest attempt's transport; the client ignores the events of older ones, and so does the layer. */
  let current: Transport | undefined;
  const end = (final: boolean, resumable?: boolean) => {
    current = undefined;
    layer.closed(final, resumable);
  };
  seam.createTransport = (url, options, events) => {
    // A new attempt means the client gave up the last one (reconnect(), a timeout).
    if (current) end(false);
    const transport: Transport = create(
      url,
      { protocols: [layer.protocol].concat(options.protocols) },
      {
        onopen: () => {
          if (transport === current) layer.opened(transport);
          events.onopen();
        },
        onmessage: (event, binary) => {
          const { data } = event;
          const isBinary = binary ?? typeof data !== "string";
          if (!(transport === current && layer.received(toPayload(data), isBinary))) {
            events.onmessage(event, binary);
          }
        },
        onclose: (event) => {
          if (transport === current) end(false, event.resumable);
          events.onclose(event);
        },
      },
    );
    current = transport;
    return transport;
  };
  // watch(false) is the client's last step once it is closed for good.
  seam.watch = (active) => {
    watch(active);
    if (!active) end(true);
  };
  // readyState 1 is WebSocket.OPEN: what `send` itself checks.
  return () => client.isConnected && current?.readyState === 1;
}
