import type { Envelope, Frame, MessageId } from "./envelope.js";
import { EventError, toWire } from "./errors.js";
import type { PeerConfig } from "./options.js";
import type { RequestOptions } from "./spec.js";
import { type Checked, check } from "./validate.js";

/** What one connection's peer asks of the side it runs on. */
export interface PeerHost {
  /** Writes a message; true when it went on an open connection, false when it was queued. Throws when closed. */
  write(frame: Frame): boolean;
  /** Runs the handlers of an event; false when there is none and the event is unknown here. */
  event(name: string, data: unknown): boolean;
  /** The handler of a request, or undefined when there is none. */
  answerer(name: string): ((data: unknown) => unknown) | undefined;
  /** Something failed that nobody awaits: a handler that threw, a failure the peer reported. */
  report(error: unknown): void;
  /** The peer sent an invalid message; `tooMany` once it reached `maxInvalidPayloads`. */
  invalid(error: EventError, tooMany: boolean): void;
  /**
   * A strict check of each decoded envelope (the server passes `isEnvelope`: its peers are
   * untrusted). Without it a malformed envelope is still refused, when dispatching it fails.
   */
  wellFormed?(value: unknown[]): boolean;
}

/** The events protocol on one connection, for either side. */
export interface EventPeer {
  /** Encodes an envelope with this side's next id: for `write`, or once for many recipients. */
  encode(type: "e" | "q" | "r" | "x", target: MessageId, data: unknown): Frame;
  /** Sends a request and resolves with its answer, or rejects with an `EventError`. */
  request(name: string, data: unknown, options?: RequestOptions): Promise<unknown>;
  /** Reads one message: false when it is not an envelope (a raw message, for the raw callbacks). */
  receive(data: Frame, binary: boolean): boolean;
  /** The connection opened (again): requests queued meanwhile went out on it. */
  opened(): void;
  /**
   * The connection ended: requests written on it get CHANNEL_CLOSED; with `all`, queued ones
   * too (the client gave up, or a server channel, which has no queue).
   */
  closed(all: boolean): void;
  /** Requests this side made that wait for an answer. */
  pending(): number;
  /** Invalid messages received so far. */
  invalid(): number;
}

interface Pending {
  name: string;
  settle(error: EventError | undefined, value?: unknown): void;
  /** Written on the current connection (not waiting in a client's offline queue). */
  live: boolean;
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null)?.then === "function";

/**
 * The events protocol on one connection: numbers and encodes what this side sends; decodes,
 * validates and dispatches what it receives; keeps the requests waiting for an answer.
 * Closures rather than a class: this code ships in the browser bundle, and locals minify.
 */
export function createPeer(config: PeerConfig, host: PeerHost): EventPeer {
  const waiting = new Map<MessageId, Pending>();
  let answering = 0;
  let invalid = 0;
  /** Set while an asynchronous validation runs: later messages wait for it, to keep the order. */
  let chain: Promise<void> | undefined;

  const encodeAs = (id: MessageId, type: Envelope[1], target: MessageId, data: unknown): Frame =>
    config.codec.encode((data === undefined ? [id, type, target] : [id, type, target, data]) as Envelope);
  const encode = (type: Envelope[1], target: MessageId, data: unknown): Frame =>
    encodeAs(config.nextId(), type, target, data);
  /** A reply nobody waits for: a connection closed meanwhile is fine. */
  const reply = (type: "r" | "x", re: MessageId, data: unknown) => {
    try {
      host.write(encode(type, re, data));
    } catch (error) {
      if (type === "r") fail(re, failure(error, ""));
    }
  };
  const fail = (re: MessageId, error: EventError) => reply("x", re, toWire(error));
  const refuse = (error: EventError, re: MessageId = 0) => {
    invalid++;
    fail(re, error);
    host.invalid(error, config.maxInvalidPayloads > 0 && invalid >= config.maxInvalidPayloads);
  };
  /** What the requester learns of a handler's failure: a deliberate EventError, or nothing internal. */
  const failure = (error: unknown, name: string): EventError => {
    if (error instanceof EventError) return error;
    host.report(error);
    return new EventError("HANDLER_FAILED", `the handler of ${name} failed`, { event: name });
  };

  const answer = (id: MessageId, name: string, value: unknown) => {
    const handler = host.answerer(name);
    if (!handler) return refuse(new EventError("UNKNOWN_EVENT", `no handler for ${name}`, { event: name }), id);
    if (answering >= config.maxInFlightRequests) {
      return fail(id, new EventError("TOO_MANY_REQUESTS", "maxInFlightRequests reached", { event: name }));
    }
    answering++;
    const done = (data: unknown, error?: unknown, failed?: boolean) => {
      answering--;
      if (failed) fail(id, failure(error, name));
      else reply("r", id, data);
    };
    try {
      const result = handler(value);
      if (isThenable(result)) result.then(done, (error) => done(0, error, true));
      else done(result);
    } catch (error) {
      done(0, error, true);
    }
  };

  /** Handles one envelope; a promise only when its schema validated asynchronously. */
  const dispatch = ([id, type, target, data]: Envelope): Promise<void> | undefined => {
    if (type === "x") {
      const error = new EventError(data.code, data.message, { event: data.event, issues: data.issues, remote: true });
      if (target === 0) host.report(error);
      else waiting.get(target)?.settle(error);
      return;
    }
    const pending = type === "r" ? waiting.get(target) : undefined;
    // An answer after the timeout: the caller already has its TIMEOUT.
    if (type === "r" && !pending) return;
    const name = pending ? pending.name : (target as string);
    const schema =
      type === "e" ? config.eventSchema(name) : type === "q" ? config.payloadSchema(name) : config.responseSchema(name);
    const then = ([value, error]: Checked): void => {
      if (error) {
        pending?.settle(error);
        return refuse(error, type === "q" ? id : 0);
      }
      if (pending) pending.settle(undefined, value);
      else if (type === "q") answer(id, name, value);
      else if (!host.event(name, value)) refuse(new EventError("UNKNOWN_EVENT", `no handler for ${name}`, { event: name }));
    };
    const checked = check(schema, data, name);
    if (checked instanceof Promise) return checked.then(then);
    then(checked);
  };

  return {
    encode,
    pending: () => waiting.size,
    invalid: () => invalid,
    request(name, data, options = {}) {
      const timeoutMs = options.timeoutMs ?? config.requestTimeoutMs;
      return new Promise((resolve, reject) => {
        if (waiting.size >= config.maxInFlightRequests) {
          throw new EventError("TOO_MANY_REQUESTS", "maxInFlightRequests reached", { event: name });
        }
        const id = config.nextId();
        const frame = encodeAs(id, "q", name, data);
        const timer = setTimeout(
          () => pending.settle(new EventError("TIMEOUT", `no answer in ${timeoutMs} ms`, { event: name })),
          timeoutMs,
        );
        const pending: Pending = {
          name,
          live: false,
          settle(error, value) {
            waiting.delete(id);
            clearTimeout(timer);
            error ? reject(error) : resolve(value);
          },
        };
        waiting.set(id, pending);
        try {
          pending.live = host.write(frame);
        } catch (error) {
          pending.settle(closed(name, error));
        }
      });
    },
    receive(data, binary) {
      let envelope: unknown[] | undefined;
      let result: Promise<void> | undefined;
      const malformed = () => refuse(new EventError("INVALID_PAYLOAD", "malformed envelope"));
      try {
        envelope = config.codec.decode(data, binary);
        if (!envelope) return false;
        if (host.wellFormed && !host.wellFormed(envelope)) throw 0;
        const message = envelope as Envelope;
        result = chain ? chain.then(() => dispatch(message)) : dispatch(message);
      } catch {
        malformed();
        return true;
      }
      if (result) {
        const chained: Promise<void> = result.then(() => {
          if (chain === chained) chain = undefined;
        });
        chain = chained;
      }
      return true;
    },
    opened() {
      for (const pending of waiting.values()) pending.live = true;
    },
    closed(all) {
      for (const pending of waiting.values()) if (all || pending.live) pending.settle(closed(pending.name));
    },
  };
}

function closed(name: string, cause?: unknown): EventError {
  return new EventError("CHANNEL_CLOSED", "closed before the answer came", { event: name, cause });
}
