/**
 * What the client suite needs from a client. Structural, so any WebSocket client with this
 * shape can be proven, not only Switchboard's own.
 */

/** A received message. */
export interface ConformanceMessage {
  /** 1 for TEXT, 2 for BINARY. */
  readonly opcode: number;
  readonly text: string;
  readonly data: Uint8Array;
}

/** Reconnect policy, in ms. */
export interface ConformanceReconnect {
  initialDelay?: number;
  maxDelay?: number;
  factor?: number;
  jitter?: number;
  maxRetries?: number;
}

/** The options the suite passes to `createClient`. */
export interface ConformanceClientOptions {
  protocols?: string[];
  connectTimeout?: number;
  reconnect?: boolean | ConformanceReconnect;
  maxQueuedMessages?: number;
  maxUnreadMessages?: number;
  highWaterMark?: number;
  lowWaterMark?: number;
  onOpen?(): unknown;
  onClose?(code: number, reason: string): unknown;
  onMessage?(text: string): unknown;
  onMessageFrame?(data: Uint8Array, opcode: number): unknown;
  onError?(error: unknown): void;
}

/** The client under test. Errors carry a `code` (see the client's `ClientErrorCode`). */
export interface ConformanceClient extends AsyncIterable<ConformanceMessage> {
  connect(url: string | (() => string | Promise<string>)): Promise<void>;
  reconnect(): Promise<void>;
  send(data: string | Uint8Array | ArrayBuffer | ArrayBufferView): boolean;
  close(code?: number, reason?: string): Promise<void>;
  drain(): Promise<void>;
  nextMessage(options?: { timeout?: number }): Promise<ConformanceMessage>;
  readonly isConnected: boolean;
  readonly protocol: string;
  readonly bufferedAmount: number;
}

/** What a client package passes to `clientConformance`. */
export interface ClientConformanceOptions {
  /** Shown in test names, e.g. "client-node". */
  name: string;
  /** Makes a fresh client; the suite closes it after each test. */
  createClient(options: ConformanceClientOptions): ConformanceClient;
}

/** What the client globalSetup hands to the tests (through vitest's `provide` / `inject`). */
export interface ClientServersInfo {
  /** Base URL of the control server, e.g. `http://127.0.0.1:PORT`. */
  control: string;
  /** Names of the backends the control server can start servers on. */
  backends: string[];
  /** Per backend: cases its engine cannot pass, with the reason (`Backend.limitations`). */
  limitations: Record<string, Record<string, string>>;
}

/** The provide/inject key. */
export const CLIENT_SERVERS_KEY = "switchboardClientServers";
