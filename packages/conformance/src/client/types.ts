import type { Skip } from "../support/runner.js";

/**
 * What the client suite needs from a client. Structural, so any WebSocket client with this
 * shape can be proven, not only Switchboard's own.
 */

/** A received message. */
export interface ConformanceMessage {
  /** 1 for TEXT, 2 for BINARY. */
  readonly opcode: number;
  /** The message as text. */
  readonly text: string;
  /** The message as bytes. */
  readonly data: Uint8Array;
}

/** Why a connection ended or an attempt failed, as the reconnect policy sees it. */
export interface ConformanceCloseInfo {
  /** The close code; 1006 when dropped or never opened. */
  readonly code: number;
  /** The close reason, or what went wrong. */
  readonly reason: string;
  /** The HTTP status of a refused upgrade, where the client can see it. */
  readonly status?: number | undefined;
  /** `Retry-After` of a refused upgrade, in ms. */
  readonly retryAfter?: number | undefined;
}

/** Reconnect policy, in ms. */
export interface ConformanceReconnect {
  /** Delay before the first retry. */
  initialDelay?: number;
  /** Upper bound of any delay. */
  maxDelay?: number;
  /** Growth of the delay per retry. */
  factor?: number;
  /** Spread of each delay, 0 to 1. */
  jitter?: number;
  /** Retries before giving up. */
  maxRetries?: number;
  /** Replaces the default policy: whether to retry after `info`. */
  shouldReconnect?(info: ConformanceCloseInfo): boolean;
}

/** The options the suite passes to `createClient`. */
export interface ConformanceClientOptions {
  /** Subprotocols to offer. */
  protocols?: string[];
  /** How long one connection attempt may take, in ms. */
  connectTimeout?: number;
  /** Reconnect when the connection drops. */
  reconnect?: boolean | ConformanceReconnect;
  /** Connection state recovery (the browser client's test maps it to its `recovery` import). */
  recover?: boolean;
  /** Messages sent while (re)connecting that may wait for the connection. */
  maxQueuedMessages?: number;
  /** Received messages kept until read. */
  maxUnreadMessages?: number;
  /** `send` returns false once this many bytes are buffered. */
  highWaterMark?: number;
  /** `drain()` resolves once the buffer is down to this. */
  lowWaterMark?: number;
  /** The connection opened. */
  onOpen?(): unknown;
  /** An open connection ended; `reconnecting` says whether the client will retry. */
  onClose?(code: number, reason: string, reconnecting: boolean): unknown;
  /** A TEXT message arrived. */
  onMessage?(text: string): unknown;
  /** Any message arrived, as bytes. */
  onMessageFrame?(data: Uint8Array, opcode: number): unknown;
  /** Something went wrong that no promise reports. */
  onError?(error: unknown): void;
  /** With reconnect on: the client stopped by itself; the error says why. */
  onStop?(error: unknown): unknown;
}

/** The client under test. Errors carry a `code` (see the client's `ClientErrorCode`). */
export interface ConformanceClient extends AsyncIterable<ConformanceMessage> {
  /** Connects; resolves once open. */
  connect(url: string | (() => string | Promise<string>)): Promise<void>;
  /** Drops the connection and connects again. */
  reconnect(): Promise<void>;
  /** Sends (or queues while reconnecting); false asks the caller to wait for `drain()`. */
  send(data: string | Uint8Array | ArrayBuffer | ArrayBufferView): boolean;
  /** Closes; resolves once the closing handshake is done. */
  close(code?: number, reason?: string): Promise<void>;
  /** Resolves once the send buffer is low again. */
  drain(): Promise<void>;
  /** The next received message. */
  nextMessage(options?: {
    /** Reject after this many ms. */
    timeout?: number;
  }): Promise<ConformanceMessage>;
  /** True while the connection is open. */
  readonly isConnected: boolean;
  /** The subprotocol the server picked, or "". */
  readonly protocol: string;
  /** Bytes sent but not yet written out. */
  readonly bufferedAmount: number;
  /** With `recover`: whether the last connection resumed the session before it. */
  readonly recovered?: boolean;
}

/** The events and requests of the suite's events server (app "events"). */
export interface SuiteEvents {
  /** What the client emits. */
  clientEvents: {
    /** Sent back as it came. */
    echo: unknown;
    /** Bytes, sent back byte for byte. */
    bytes: Uint8Array;
    /** A count of raw messages and events the server interleaves. */
    mixed: number;
    /** Asks the server for a `tick` that fails the client's schema. */
    badTick: undefined;
    /** Asks the server to make a `confirm` request of the client. */
    ask: number;
  };
  /** What the server emits. */
  serverEvents: {
    /** What the client's `echo` carried. */
    echo: unknown;
    /** What the client's `bytes` carried. */
    bytes: Uint8Array;
    /** A number, in order. */
    tick: number;
    /** How the client answered the server's `confirm` request. */
    asked: {
      /** The answer, when there was one. */
      answer?: boolean;
      /** The error's code, when the request failed. */
      error?: string;
    };
  };
  /** What the client asks the server. */
  clientRequests: {
    /** Adds two numbers. */
    add(numbers: { a: number; b: number }): number;
    /** Answers after `ms` milliseconds. */
    slow(ms: number): number;
    /** Throws, so the client gets a typed error. */
    fail(): never;
  };
  /** What the server asks the client. */
  serverRequests: {
    /** Answered by the client's handler. */
    confirm(question: string): boolean;
  };
}

/** A Standard Schema validator, as the suite passes one (zod's or valibot's). */
export interface ConformanceSchema {
  /** The Standard Schema interface. */
  readonly "~standard": {
    /** Checks a value: its result or its issues. */
    validate(value: unknown): unknown;
  };
}

/** The options the suite passes to `createEvents`. */
export interface ConformanceEventOptions {
  /** Validators of what the client receives, by server event name. */
  schemas?: {
    /** By server event name. */
    serverEvents?: Record<string, ConformanceSchema>;
    /** By the name of a request the client makes: the schema of the server's answer. */
    clientRequests?: Record<
      string,
      {
        /** The schema the server's answer must pass. */
        response?: ConformanceSchema;
      }
    >;
  };
  /** How long a request waits for its answer by default, in ms. */
  requestTimeoutMs?: number;
  /** Requests the client may have in flight. */
  maxInFlightRequests?: number;
  /** Invalid messages from the server before the client closes. */
  maxInvalidPayloads?: number;
}

/** The typed-events layer under test, over a `ConformanceClient`. Errors carry a `code`. */
export interface ConformanceEvents {
  /** Whether the server accepted the events protocol. */
  readonly negotiated: boolean | undefined;
  /** Sends an event. */
  emit(event: string, payload?: unknown): unknown;
  /** Calls `handler` for each event of that name. */
  on(event: string, handler: (payload: never) => unknown): () => void;
  /** Asks the server. */
  request(name: string, payload?: unknown, options?: { timeoutMs?: number }): Promise<unknown>;
  /** Answers the server's requests. */
  handle(name: string, handler: (payload: never) => unknown): unknown;
  /** The next event of that name. */
  next(event: string, options?: { timeout?: number }): Promise<unknown>;
  /** Every event of that name. */
  stream(event: string): AsyncIterable<unknown>;
}

/** What a client package passes to `clientConformance`. */
export interface ClientConformanceOptions {
  /** Shown in test names, e.g. "client-node". */
  name: string;
  /** Makes a fresh client; the suite closes it after each test. */
  createClient(options: ConformanceClientOptions): ConformanceClient;
  /** Puts typed events on a client made by `createClient`; without it the events cases skip. */
  createEvents?(client: ConformanceClient, options: ConformanceEventOptions): ConformanceEvents;
  /**
   * Why the client cannot see the HTTP status of a refused upgrade, if it cannot (browsers hide
   * it). The suite then checks the documented fallback: a refusal is retried as an unreachable
   * server would be.
   */
  hiddenUpgradeStatus?: string;
  /**
   * Why `close()` against a server that never answers the close frame waits out the platform's
   * own timeout, if it does (a page cannot end a WebSocket sooner); the case is then skipped.
   */
  slowCloseHandshake?: string;
}

/** What the client globalSetup hands to the tests (through vitest's `provide` / `inject`). */
export interface ClientServersInfo {
  /** Base URL of the control server, e.g. `http://127.0.0.1:PORT`. */
  control: string;
  /** Names of the backends the control server can start servers on. */
  backends: string[];
  /** Backends that cannot run on this runtime, with the reason: reported as skips. */
  unavailable?: Record<string, string>;
  /** Per backend: the tests its engine cannot pass, as its `ClientBackend.skip` declares. */
  skips: Record<string, readonly Skip[]>;
}

/** The provide/inject key. */
export const CLIENT_SERVERS_KEY = "switchboardClientServers";
