import type { EventCodec } from "./envelope.js";
import { EventError } from "./errors.js";
import { jsonCodec } from "./json-codec.js";
import type { EventSchemas, EventSpec } from "./spec.js";
import type { StandardSchemaV1 } from "./standard-schema.js";
import { MAX_DELAY_MS } from "./timers.js";

/** Options of the typed events layer, the same on the server and in the clients. */
export interface EventOptions<S extends EventSpec> {
  /** Validators of what this side receives; give both sides the same object. */
  schemas?: EventSchemas<S>;
  /** How envelopes become messages. Default `jsonCodec`. Both sides must use the same. */
  codec?: EventCodec;
  /** How long `request()` waits for an answer by default, in ms. Default 10000. */
  requestTimeoutMs?: number;
  /**
   * Requests in flight per connection, each way: beyond it `request()` rejects with
   * `TOO_MANY_REQUESTS`, and a peer's extra requests are answered with that error. Default 64.
   */
  maxInFlightRequests?: number;
  /**
   * Invalid messages (malformed envelopes, payloads that fail their schema, unknown events)
   * one connection may send before it is closed (1008 on the server, 4008 in a client).
   * Default 10; 0 never closes.
   */
  maxInvalidPayloads?: number;
}

/** Schemas by name, as the peer looks them up. */
export type SchemaTable = Record<string, StandardSchemaV1 | undefined>;
/** Request schemas by name. */
export type RequestTable = Record<
  string,
  { payload?: StandardSchemaV1 | undefined; response?: StandardSchemaV1 | undefined } | undefined
>;

/** What every connection of one side shares: resolved options and the schemas by direction. */
export interface PeerConfig {
  codec: EventCodec;
  protocol: string;
  requestTimeoutMs: number;
  maxInFlightRequests: number;
  maxInvalidPayloads: number;
  /**
   * The id of the next envelope this side sends: one counter per side (per server, per client),
   * so an event encoded once for many connections has one id on all of them.
   */
  nextId(): number;
  /** Schemas of the events this side receives. */
  events: SchemaTable;
  /** Schemas of the requests this side answers (their `payload`). */
  answers: RequestTable;
  /** Schemas of the requests this side makes (their `response`). */
  asks: RequestTable;
}

/** The subprotocol of the events protocol with a codec: `switchboard.v1.json` by default. */
export function protocolName(codec: EventCodec): string {
  return `switchboard.v1.${codec.name}`;
}

/** Resolves the options of one side: the server receives client events, a client server events. */
export function peerConfig<S extends EventSpec>(
  server: boolean,
  options: EventOptions<S>,
): PeerConfig {
  const schemas = (options.schemas ?? {}) as Record<string, SchemaTable & RequestTable>;
  const codec = options.codec ?? jsonCodec;
  let lastId = 0;
  return {
    codec,
    nextId: () => ++lastId,
    protocol: protocolName(codec),
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    maxInFlightRequests: options.maxInFlightRequests ?? 64,
    maxInvalidPayloads: options.maxInvalidPayloads ?? 10,
    events: (server ? schemas["clientEvents"] : schemas["serverEvents"]) ?? {},
    answers: (server ? schemas["clientRequests"] : schemas["serverRequests"]) ?? {},
    asks: (server ? schemas["serverRequests"] : schemas["clientRequests"]) ?? {},
  };
}

/** Refuses limits that would misbehave later (the server checks; a page keeps its bundle small). */
export function checkEventOptions(options: EventOptions<EventSpec>): void {
  for (const key of ["requestTimeoutMs", "maxInFlightRequests", "maxInvalidPayloads"] as const) {
    const value = options[key];
    // A timer fires a delay past 2 ** 31 - 1 ms after 1 ms; a count has no such limit.
    const most = key === "requestTimeoutMs" ? MAX_DELAY_MS : Number.POSITIVE_INFINITY;
    if (value !== undefined && !(typeof value === "number" && value >= 0 && value <= most)) {
      throw new EventError("INVALID_OPTION", `${key}: ${String(value)}`);
    }
  }
  const name = options.codec?.name;
  if (name !== undefined && !/^[\w-]+$/.test(name)) {
    throw new EventError("INVALID_OPTION", `codec.name: ${name}`);
  }
}
