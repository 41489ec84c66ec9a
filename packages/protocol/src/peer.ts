import { type Envelope, type Frame, isEnvelope, type MessageId } from "./envelope.js";
import { EventError, toWire } from "./errors.js";
import type { PeerConfig } from "./options.js";
import type { RequestOptions } from "./spec.js";
import { later } from "./timers.js";
import { type Checked, check } from "./validate.js";

/** What one connection's peer asks of the side it runs on. */
export interface PeerHost {
  /**
   * Writes a message (`reply`: an answer to the peer's request); true when it went on an open
   * connection, false when it was queued. Throws when closed.
   */
  write(frame: Frame, reply?: boolean): boolean;
  /** Runs the handlers of an event; false when there is none and the event is unknown here. */
  event(name: string, data: unknown): boolean;
  /** The handler of a request, or undefined when there is none. */
  answerer(name: string): ((data: unknown) => unknown) | undefined;
  /** Something failed that nobody awaits: a handler that threw, a failure the peer reported. */
  report(error: unknown): void;
  /** The peer sent an invalid message; `tooMany` once it reached `maxInvalidPayloads`. */
  invalid(error: EventError, tooMany: boolean): void;
}

/** The events protocol on one connection, for either side. */
export interface EventPeer {
  /** Encodes an envelope with this side's next id: for `write`, or once for many recipients. */
  encode(type: Envelope[1], target: MessageId, data: unknown): Frame;
  /** Sends a request and resolves with its answer, or rejects with an `EventError`. */
  request(name: string, data: unknown, options?: RequestOptions): Promise<unknown>;
  /**
   * Reads one message: false when it is not an envelope (a raw message, for the raw callbacks).
   * While an asynchronous validation runs, a promise that settles once this message is handled:
   * the caller can hold what comes next (and bound how much waits).
   */
  receive(data: Frame, binary: boolean): boolean | Promise<void>;
  /** The connection opened (again): requests queued meanwhile went out on it. */
  opened(): void;
  /**
   * The connection ended: requests written on it get CHANNEL_CLOSED; with `all`, queued ones
   * too (the client gave up, or a server channel, which has no queue). Answers its handlers
   * give later are dropped (the next connection is another session, where their ids may mean
   * other requests), and the next connection starts its own counts.
   */
  closed(all: boolean): void;
  /** Requests this side made that wait for an answer. */
  pending(): number;
  /** Invalid messages received so far. */
  invalid(): number;
}

/** A request waiting for its answer: its name, how to settle it, and whether it was written yet. */
type Waiting = [
  name: string,
  settle: (error: EventError | undefined, value?: unknown) => void,
  live: boolean,
];

/** The most of an unknown name a refusal repeats (as schema issues are cut to 200 characters). */
const MAX_ECHOED_NAME = 200;

/** A table's own entry: an event named "constructor" must not find Object's. */
const own = <T>(table: Record<string, T>, name: string): T | undefined =>
  Object.hasOwn(table, name) ? table[name] : undefined;

const error = (code: string, message: string, event?: string, cause?: unknown) =>
  new EventError(code, message, { event, cause });

/**
 * The events protocol on one connection: numbers and encodes what this side sends; decodes,
 * validates and dispatches what it receives; keeps the requests waiting for an answer.
 * Closures rather than a class: this code ships in the browser bundle, and locals minify.
 */
export function createPeer(config: PeerConfig, host: PeerHost): EventPeer {
  const waiting = new Map<MessageId, Waiting>();
  let answering = 0;
  let invalid = 0;
  /** Bumped by `closed`: an answer to a request of an earlier connection is not sent. */
  let connection = 0;
  /** Set while an asynchronous validation runs: later messages wait for it, to keep the order. */
  let chain: Promise<void> | undefined;

  const encodeAs = (id: MessageId, type: Envelope[1], target: MessageId, data: unknown): Frame =>
    config.codec.encode(
      (data === undefined ? [id, type, target] : [id, type, target, data]) as Envelope,
    );
  const encode = (type: Envelope[1], target: MessageId, data: unknown) =>
    encodeAs(config.nextId(), type, target, data);
  /** A reply nobody waits for: a connection closed meanwhile is fine. */
  const reply = (re: MessageId, data: unknown, failed?: unknown, name = "") => {
    let frame: Frame | undefined;
    // A response the codec cannot encode is the handler's failure.
    if (failed === undefined) {
      try {
        frame = encode("r", re, data);
      } catch (cause) {
        failed = cause;
      }
    }
    frame ??= encode(
      "x",
      re,
      toWire(failed instanceof EventError ? failed : handlerFailed(failed, name)),
    );
    try {
      host.write(frame, true);
    } catch {}
  };
  /** What the requester learns of a handler's failure: nothing internal. */
  const handlerFailed = (cause: unknown, name: string) => {
    host.report(cause);
    return error("HANDLER_FAILED", `the handler of ${name} failed`, name);
  };
  const refuse = (reason: EventError, re: MessageId = 0) => {
    invalid++;
    reply(re, 0, reason);
    host.invalid(reason, config.maxInvalidPayloads > 0 && invalid >= config.maxInvalidPayloads);
  };
  /** The name is the peer's: it goes back cut, so a long one is not echoed twice over. */
  const unknown = (name: string, re?: MessageId) => {
    const shown = name.length > MAX_ECHOED_NAME ? `${name.slice(0, MAX_ECHOED_NAME)}…` : name;
    refuse(error("UNKNOWN_EVENT", `no handler for ${shown}`, shown), re);
  };

  const answer = (id: MessageId, name: string, value: unknown) => {
    const handler = host.answerer(name);
    if (!handler) return unknown(name, id);
    if (answering >= config.maxInFlightRequests) {
      return reply(id, 0, error("TOO_MANY_REQUESTS", "maxInFlightRequests reached", name));
    }
    answering++;
    const asked = connection;
    const done = (data: unknown, failed?: unknown) => {
      if (asked !== connection) return;
      answering--;
      reply(id, data, failed, name);
    };
    try {
      const result = handler(value) as PromiseLike<unknown> | undefined;
      if (typeof result?.then === "function") result.then(done, (cause) => done(0, cause ?? 0));
      else done(result);
    } catch (cause) {
      done(0, cause ?? 0);
    }
  };

  /** Handles one envelope; a promise only when its schema validated asynchronously. */
  const dispatch = ([id, type, target, data]: Envelope): Promise<void> | undefined => {
    if (type === "x") {
      const failure = new EventError(data.code, data.message, {
        event: data.event,
        issues: data.issues,
        remote: true,
      });
      if (target === 0) host.report(failure);
      else waiting.get(target)?.[1](failure);
      return;
    }
    const pending = type === "r" ? waiting.get(target) : undefined;
    // An answer after the timeout: the caller already has its TIMEOUT.
    if (type === "r" && !pending) return;
    const name = pending ? pending[0] : (target as string);
    const schema =
      type === "e"
        ? own(config.events, name)
        : own(type === "q" ? config.answers : config.asks, name)?.[
            type === "q" ? "payload" : "response"
          ];
    const then = ([value, failure]: Checked): void => {
      if (failure) {
        pending?.[1](failure);
        refuse(failure, type === "q" ? id : 0);
      } else if (pending) pending[1](undefined, value);
      else if (type === "q") answer(id, name, value);
      else if (!host.event(name, value)) unknown(name);
    };
    const checked = check(schema, data, name);
    if (checked instanceof Promise) return checked.then(then);
    then(checked);
  };

  return {
    encode,
    pending: () => waiting.size,
    invalid: () => invalid,
    request: (name, data, options = {}) =>
      new Promise((resolve, reject) => {
        if (waiting.size >= config.maxInFlightRequests) {
          throw error("TOO_MANY_REQUESTS", "maxInFlightRequests reached", name);
        }
        const id = config.nextId();
        const frame = encodeAs(id, "q", name, data);
        const timeoutMs = options.timeoutMs ?? config.requestTimeoutMs;
        const timer = later(
          () => settle(error("TIMEOUT", `no answer in ${timeoutMs} ms`, name)),
          timeoutMs,
        );
        const settle: Waiting[1] = (failure, value) => {
          waiting.delete(id);
          clearTimeout(timer);
          failure ? reject(failure) : resolve(value);
        };
        const entry: Waiting = [name, settle, false];
        waiting.set(id, entry);
        try {
          entry[2] = host.write(frame);
        } catch (cause) {
          settle(closed(name, cause));
        }
      }),
    receive(data, binary) {
      let result: Promise<void> | undefined;
      try {
        const message = config.codec.decode(data, binary);
        // Only undefined means "not an envelope": a marked `null` or `0` is a malformed one.
        if (message === undefined) return false;
        // Checked here, on both sides: an unknown type or a name that is not one must never be
        // dispatched (it would reach an event's handlers past its schema).
        if (!isEnvelope(message)) throw 0;
        result = chain ? chain.then(() => dispatch(message)) : dispatch(message);
      } catch {
        refuse(error("INVALID_PAYLOAD", "malformed envelope"));
      }
      if (result) {
        const chained: Promise<void> = result.then(() => {
          if (chain === chained) chain = undefined;
        });
        chain = chained;
        return chained;
      }
      return true;
    },
    opened() {
      for (const entry of waiting.values()) entry[2] = true;
    },
    closed(all) {
      connection++;
      answering = 0;
      invalid = 0;
      for (const [name, settle, live] of waiting.values()) if (all || live) settle(closed(name));
    },
  };
}

function closed(name: string, cause?: unknown): EventError {
  return error("CHANNEL_CLOSED", "closed before the answer came", name, cause);
}
