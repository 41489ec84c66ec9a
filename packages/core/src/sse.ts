import { MAX_DELAY_MS } from "@switchboard/protocol";
import type { HttpResponse } from "./http.js";

/** One Server-Sent Event. */
export interface SseMessage {
  /** The payload: a string is sent as is (line breaks become separate `data:` lines), anything else as JSON. */
  data: unknown;
  /** The event type (`event:`); the client's `onmessage` gets events without one. */
  event?: string;
  /** The event id (`id:`), echoed back by a reconnecting client as `Last-Event-ID`. */
  id?: string | number;
  /** How long a client should wait before reconnecting, in ms (`retry:`). */
  retry?: number;
}

/** Options of `res.sse()`. */
export interface SseOptions {
  /**
   * Interval of `: keep-alive` comments, which stop proxies and clients from timing out an idle
   * stream and reveal a client that has gone away. Default 15 000 ms; 0 turns them off.
   */
  keepAliveMs?: number;
  /** Sends `retry:` first, so clients reconnect after this many ms. */
  retryMs?: number;
}

const DEFAULT_KEEP_ALIVE_MS = 15_000;

/**
 * A Server-Sent Events stream (`text/event-stream`), made by `res.sse()`. Sends never throw once
 * the client has gone: they return false, and `onClose` callbacks run.
 *
 * @example
 * server.get("/clock", (_req, res) => {
 *   const stream = res.sse();
 *   const timer = setInterval(() => stream.send({ event: "time", data: Date.now() }), 1000);
 *   stream.onClose(() => clearInterval(timer));
 * });
 */
export class SseStream {
  readonly #res: HttpResponse;
  #closed = false;
  #callbacks: (() => void)[] = [];
  #keepAlive: NodeJS.Timeout | undefined;

  /** @internal use `res.sse()` */
  constructor(res: HttpResponse, options: SseOptions = {}) {
    const { keepAliveMs = DEFAULT_KEEP_ALIVE_MS, retryMs } = options;
    if (!Number.isSafeInteger(keepAliveMs) || keepAliveMs < 0 || keepAliveMs > MAX_DELAY_MS) {
      throw new TypeError(
        `keepAliveMs must be a non-negative integer of at most ${MAX_DELAY_MS}, got ${keepAliveMs}`,
      );
    }
    this.#res = res;
    res
      .status(200)
      .header("content-type", "text/event-stream")
      .header("cache-control", "no-cache")
      // Tells nginx-style proxies not to buffer the stream.
      .header("x-accel-buffering", "no");
    res.onClose(() => this.#shutdown());
    // Both engines hold the headers back until the first body byte: send one at once, so the
    // client's EventSource opens now rather than at the first event.
    res.write(retryMs === undefined ? ": connected\n\n" : `retry: ${checkRetry(retryMs)}\n\n`);
    if (keepAliveMs > 0) {
      this.#keepAlive = setInterval(() => this.comment("keep-alive"), keepAliveMs);
      this.#keepAlive.unref();
    }
  }

  /** True once the stream is closed by either side. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends an event (or a bare string as `data`). Returns false when the client is slow (await
   * `writable()`) or gone.
   */
  send(message: SseMessage | string): boolean {
    if (this.#closed) return false;
    return this.#res.write(formatEvent(typeof message === "string" ? { data: message } : message));
  }

  /** Sends a comment line (`: text`), ignored by clients. */
  comment(text = ""): boolean {
    if (this.#closed) return false;
    return this.#res.write(
      `${text
        .split(/\r\n|\r|\n/)
        .map((line) => `: ${line}\n`)
        .join("")}\n`,
    );
  }

  /** Resolves when the stream may be written again (or is closed). */
  writable(): Promise<void> {
    return this.#res.writable();
  }

  /** Registers a callback for when the stream ends: the client left, or `close()` was called. */
  onClose(callback: () => void): void {
    if (this.#closed) callback();
    else this.#callbacks.push(callback);
  }

  /** Ends the stream. */
  close(): void {
    if (this.#closed) return;
    this.#res.end();
    this.#shutdown();
  }

  #shutdown(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#keepAlive);
    for (const callback of this.#callbacks.splice(0)) callback();
  }
}

/** Formats one event: fields one per line, multi-line data as several `data:` lines, blank line last. */
export function formatEvent(message: SseMessage): string {
  let out = "";
  if (message.event !== undefined) out += `event: ${singleLine("event", message.event)}\n`;
  if (message.id !== undefined) {
    const id = singleLine("id", String(message.id));
    if (id.includes("\0")) throw new TypeError("SSE id must not contain NUL");
    out += `id: ${id}\n`;
  }
  if (message.retry !== undefined) out += `retry: ${checkRetry(message.retry)}\n`;
  const data = typeof message.data === "string" ? message.data : JSON.stringify(message.data);
  for (const line of (data ?? "").split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

function singleLine(field: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new TypeError(`SSE ${field} must not contain a line break`);
  return value;
}

function checkRetry(ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < 0)
    throw new TypeError(`SSE retry must be a non-negative integer, got ${ms}`);
  return ms;
}
