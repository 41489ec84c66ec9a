import { HttpError } from "./errors.js";
import { bodyFraming } from "./framing.js";
import type { HttpExchange } from "./seam.js";

/** The limits a request body is received under. */
export interface BodyLimits {
  maxBodyBytes: number;
  bodyTimeoutMs: number;
}

/**
 * Receives a request body as soon as the request arrives, within `maxBodyBytes` and
 * `bodyTimeoutMs`, the same way on every engine. Reading eagerly (rather than when the handler
 * asks) is what lets core refuse an oversized or stalled upload even while the handler is busy
 * with something else: `onFailure` listeners get a 413 or 408 and nothing more is stored.
 *
 * @internal
 */
export class RequestBody {
  /** Unset for a request that declares no body (most GETs): no promise to build for it. */
  #result: Promise<Uint8Array> | undefined;
  #settle!: { resolve(body: Uint8Array): void; reject(error: HttpError): void };
  /** The first chunk, kept as it came: a body in one piece is never copied. */
  #first: Uint8Array | undefined;
  /**
   * From the second chunk on, the body so far, copied into one buffer that grows by doubling:
   * a chunk kept as itself costs an object and, from node:http, a view that holds the socket
   * read it came from, so a body sent in 1-byte chunks took hundreds of times its size.
   */
  #buffer: Uint8Array | undefined;
  #size = 0;
  #done = false;
  #timer: NodeJS.Timeout | undefined;
  #failure: HttpError | undefined;
  #onFailure: ((error: HttpError) => void) | undefined;

  constructor(exchange: HttpExchange, limits: BodyLimits) {
    const framing = bodyFraming(exchange.headers);
    if (!(framing instanceof HttpError) && framing.kind === "none") {
      this.#done = true;
      return;
    }
    this.#result = new Promise<Uint8Array>((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    // A handler that never reads the body must not cause an unhandled rejection.
    this.#result.catch(() => {});
    const fail = (error: HttpError) => {
      if (this.#done) return;
      this.#finish();
      this.#failure = error;
      this.#settle.reject(error);
      this.#onFailure?.(error);
    };

    if (framing instanceof HttpError) {
      fail(framing);
      return;
    }
    // Refuse before reading a byte: the client said how much it will send.
    if (framing.kind === "length" && framing.length > limits.maxBodyBytes) {
      fail(new HttpError(413, `body over ${limits.maxBodyBytes} bytes`));
      return;
    }
    if (framing.kind === "length" && framing.length === 0) {
      this.#finish();
      this.#settle.resolve(new Uint8Array(0));
      return;
    }
    this.#timer = setTimeout(
      () => fail(new HttpError(408, `body not received within ${limits.bodyTimeoutMs} ms`)),
      limits.bodyTimeoutMs,
    );
    this.#timer.unref();
    exchange.readBody({
      data: (chunk) => {
        if (this.#done) return;
        this.#size += chunk.byteLength;
        if (this.#size > limits.maxBodyBytes) {
          fail(new HttpError(413, `body over ${limits.maxBodyBytes} bytes`));
          return;
        }
        this.#keep(chunk, framing.kind === "length" ? framing.length : 0, limits.maxBodyBytes);
      },
      end: () => {
        if (this.#done) return;
        const body = this.#buffer?.subarray(0, this.#size) ?? this.#first ?? new Uint8Array(0);
        this.#finish();
        this.#settle.resolve(body);
      },
    });
  }

  /** The whole body; rejects with the `HttpError` (400, 408 or 413) that ended the reading. */
  get bytes(): Promise<Uint8Array> {
    return this.#result ?? Promise.resolve(new Uint8Array(0));
  }

  /** True while body bytes are still expected. */
  get receiving(): boolean {
    return !this.#done;
  }

  /** Why the body was refused as soon as the request arrived (from its headers), if it was. */
  get failure(): HttpError | undefined {
    return this.#failure;
  }

  /** Registers the callback for a body refused later, while it streams in (413, 408). */
  onFailure(callback: (error: HttpError) => void): void {
    this.#onFailure = callback;
  }

  /** Stops waiting (the response is over or the client is gone); nothing more is stored. */
  stop(): void {
    if (this.#done) return;
    this.#finish();
    this.#settle.reject(new HttpError(499, "client closed the request"));
  }

  /** Stores a chunk (`#size` already counts it); `declared` is the Content-Length, else 0. */
  #keep(chunk: Uint8Array, declared: number, most: number): void {
    if (!this.#first && !this.#buffer) {
      this.#first = chunk;
      return;
    }
    let buffer = this.#buffer;
    const at = this.#size - chunk.byteLength;
    if (!buffer || this.#size > buffer.byteLength) {
      const grown = new Uint8Array(
        Math.min(most, Math.max(declared, this.#size, 2 * (buffer?.byteLength ?? 8 * 1024))),
      );
      if (buffer) grown.set(buffer.subarray(0, at));
      else if (this.#first) grown.set(this.#first);
      this.#first = undefined;
      buffer = grown;
      this.#buffer = grown;
    }
    buffer.set(chunk, at);
  }

  #finish(): void {
    this.#done = true;
    this.#first = undefined;
    this.#buffer = undefined;
    clearTimeout(this.#timer);
  }
}
