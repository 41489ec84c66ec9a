import type { Channel } from "./channel.js";
import { SwitchboardError } from "./errors.js";
import { CloseCode } from "./opcode.js";
import { checkAddress } from "./options.js";
import type { BoundAddress, TlsOptions } from "./seam.js";

/** Options of `listen()`. */
export interface ListenOptions {
  /** Default 0: a free port chosen by the OS. */
  port?: number;
  /** Default "127.0.0.1". Use "0.0.0.0" or "::" to accept remote clients. */
  host?: string;
  /** Serve https and wss with this PEM certificate and key. */
  tls?: TlsOptions;
}

/** Where a server is in its life: only a listening server takes new connections. */
export type ServerState = "idle" | "starting" | "listening" | "closing";

/** The steps of starting and stopping, in the order they run. */
export interface LifecycleSteps {
  /** Runs `onInit`: the first `listen()` only. */
  init(): void | Promise<void>;
  /** Binds the port (pub/sub first, then the backend); resolves to the port bound. */
  start(
    port: number,
    host: string,
    tls: TlsOptions | undefined,
  ): Promise<{ port: number; host?: string; secure?: boolean }>;
  /** The backend's name, when it is attached to the application's server (which listens itself). */
  readonly attachedTo?: string | undefined;
  /** Starts the heartbeat and idle timers. */
  started(): void;
  /**
   * Stops the timers, ends pending admissions, and closes sockets not yet channels (1001);
   * resolves once those are gone.
   */
  stopping(): Promise<void>;
  /** `closeTimeoutMs` after `stopping`: drops what is left of those sockets. */
  dropping(): void;
  /** The open channels, closed with 1001 on shutdown. */
  readonly channels: ReadonlySet<Channel>;
  readonly closeTimeoutMs: number;
  /** Releases the port and the pub/sub adapter once every channel is gone. */
  stop(): Promise<void>;
}

/**
 * `listen()` and `close()`: one at a time, `onInit` once, and a graceful shutdown that closes
 * every channel with 1001, drops peers that do not answer within `closeTimeoutMs`, and waits for
 * their `onWsClose` before the port is released.
 */
export class Lifecycle {
  readonly #steps: LifecycleSteps;
  #state: ServerState = "idle";
  #initialized = false;
  #address: BoundAddress | undefined;
  #closing: Promise<void> | undefined;
  #allClosed: (() => void) | undefined;

  constructor(steps: LifecycleSteps) {
    this.#steps = steps;
  }

  get state(): ServerState {
    return this.#state;
  }

  get address(): BoundAddress | undefined {
    return this.#address;
  }

  async listen(options: ListenOptions): Promise<BoundAddress> {
    const { port = 0, host = "127.0.0.1", tls } = options;
    checkAddress(port, host);
    if (this.#steps.attachedTo) refuseAddress(this.#steps.attachedTo, options);
    if (this.#state !== "idle") {
      throw new SwitchboardError("ALREADY_LISTENING", `server is already ${this.#state}`);
    }
    this.#state = "starting";
    try {
      if (!this.#initialized) {
        // Routes are registered once per server, not once per listen().
        this.#initialized = true;
        await this.#steps.init();
      }
      const bound = await this.#steps.start(port, host, tls);
      const scheme = (bound.secure ?? tls) ? "https" : "http";
      const boundHost = bound.host ?? host;
      this.#address = {
        port: bound.port,
        host: boundHost,
        url: `${scheme}://${formatHost(boundHost)}:${bound.port}`,
      };
    } catch (error) {
      this.#state = "idle";
      throw error;
    }
    this.#state = "listening";
    this.#steps.started();
    return this.#address;
  }

  close(): Promise<void> {
    if (this.#state === "idle") return Promise.resolve();
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** The last channel left; a shutdown waiting for that goes on (after its `onWsClose`). */
  channelsGone(): void {
    this.#allClosed?.();
  }

  async #shutdown(): Promise<void> {
    const steps = this.#steps;
    this.#state = "closing";
    const unwelcomed = steps.stopping();
    const allClosed = new Promise<void>((resolve) => {
      this.#allClosed = resolve;
    }).then(() => unwelcomed);
    for (const channel of steps.channels)
      channel.close(CloseCode.GOING_AWAY, "server shutting down");
    if (steps.channels.size === 0) this.#allClosed?.();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, steps.closeTimeoutMs);
    });
    await Promise.race([allClosed, timedOut]);
    for (const channel of steps.channels) channel.terminate();
    steps.dropping();
    await allClosed;
    clearTimeout(timer);
    // A response written in the tick that called close() is still inside the engine's callback
    // (uWS corks it, Bun sends what `fetch` returned once it returns): let it leave first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    await steps.stop();
    this.#address = undefined;
    this.#closing = undefined;
    this.#state = "idle";
  }
}

/** An attached backend's server listens where the application told it to: `listen()` cannot. */
function refuseAddress(backend: string, options: ListenOptions): void {
  const given = (["port", "host", "tls"] as const).filter((key) => options[key] !== undefined);
  if (given.length === 0) return;
  throw new SwitchboardError(
    "INVALID_OPTION",
    `the ${backend} backend is attached to the application's server, which listens itself: call listen() without ${given.join(", ")}`,
  );
}

function formatHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}
