import { SwitchboardError } from "@switchboard/core";

/**
 * The part of Bun's API the binding uses, declared here rather than taken from `bun-types`, so
 * the package has no dependency and its published types mention no runtime globals.
 */
export interface BunServer {
  readonly port: number;
  upgrade(request: Request, options: { data: unknown; headers?: Record<string, string> }): boolean;
  publish(topic: string, data: string | Uint8Array, compress?: boolean): number;
  requestIP(request: Request): { address: string } | null;
  timeout(request: Request, seconds: number): void;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
}

/** One WebSocket as Bun holds it. */
export interface BunSocket<Data> {
  readonly data: Data;
  sendText(data: string, compress?: boolean): number;
  sendBinary(data: Uint8Array, compress?: boolean): number;
  publishText(topic: string, data: string, compress?: boolean): number;
  publishBinary(topic: string, data: Uint8Array, compress?: boolean): number;
  getBufferedAmount(): number;
  close(code?: number, reason?: string): void;
  terminate(): void;
  ping(): void;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
}

/** Bun's compressor names: the shared one, or a dedicated one by its size. */
export type BunCompressor = "shared" | "dedicated" | `${number}KB`;

/** Bun's permessage-deflate option. */
export interface BunDeflate {
  compress: BunCompressor;
  decompress: BunCompressor;
}

/** What `Bun.serve` takes, as far as the binding sets it. */
export interface BunServeOptions<Data> {
  hostname: string;
  port: number;
  reusePort?: boolean;
  tls?: { cert: string; key: string; passphrase?: string };
  maxRequestBodySize: number;
  idleTimeout: number;
  fetch(request: Request, server: BunServer): Response | Promise<Response | undefined> | undefined;
  error?(error: Error): Response;
  websocket: {
    maxPayloadLength: number;
    backpressureLimit: number;
    closeOnBackpressureLimit: boolean;
    idleTimeout: number;
    sendPings: boolean;
    publishToSelf: boolean;
    perMessageDeflate: false | BunDeflate;
    open(ws: BunSocket<Data>): void;
    message(ws: BunSocket<Data>, message: string | Uint8Array): void;
    close(ws: BunSocket<Data>, code: number, reason: string): void;
    drain(ws: BunSocket<Data>): void;
    pong(ws: BunSocket<Data>): void;
    ping(ws: BunSocket<Data>): void;
  };
}

interface BunRuntime {
  serve<Data>(options: BunServeOptions<Data>): BunServer;
}

/** `Bun`, checked: outside Bun there is no engine, and that must be said at once. */
export function loadBun(): BunRuntime {
  const bun = (globalThis as { Bun?: BunRuntime }).Bun;
  if (typeof bun?.serve !== "function") {
    throw new SwitchboardError(
      "ENGINE_UNAVAILABLE",
      "bunBackend() runs only under Bun (Bun.serve is missing); under Node.js use wsBackend() or uwsBackend()",
    );
  }
  return bun;
}
