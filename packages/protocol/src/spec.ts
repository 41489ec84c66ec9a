import type { StandardSchemaV1 } from "./standard-schema.js";

/**
 * The events and requests of one application, declared once as a type and shared by server and
 * client code. Events map a name to its payload type; requests map a name to a function type
 * from the payload to the response.
 *
 * @example
 * interface Chat {
 *   clientEvents: { message: string; typing: boolean };
 *   serverEvents: { message: { from: string; text: string }; online: number };
 *   clientRequests: { clients(): string[] };
 * }
 */
export interface EventSpec {
  /** Events the client emits and the server handles. */
  clientEvents?: object;
  /** Events the server emits and the client handles. */
  serverEvents?: object;
  /** Requests the client makes and the server answers. */
  clientRequests?: object;
  /** Requests the server makes and the client answers. */
  serverRequests?: object;
}

/** One part of a spec; an empty map when the spec leaves it out. */
export type Part<S extends EventSpec, K extends keyof EventSpec> = S[K] extends object
  ? S[K]
  : Record<never, never>;

/** An event's or request's name in a map. */
export type NameOf<M> = keyof M & string;

/** What a request of type `F` carries: its first parameter, `undefined` when it has none. */
export type PayloadOf<F> = F extends (...args: infer A) => unknown
  ? A extends []
    ? undefined
    : A[0]
  : never;

/** What a request of type `F` is answered with. */
export type ResponseOf<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never;

/** The arguments of `emit`: the payload may be left out when it can be undefined. */
export type EmitArgs<T> = undefined extends T ? [payload?: T] : [payload: T];

/** The arguments of `request`: payload (optional when it can be undefined), then options. */
export type RequestArgs<T> = undefined extends T
  ? [payload?: T, options?: RequestOptions]
  : [payload: T, options?: RequestOptions];

/** Options of one `request()`. */
export interface RequestOptions {
  /** Reject with `TIMEOUT` after this many ms. Default: the side's `requestTimeoutMs`. */
  timeoutMs?: number;
}

/** A schema per event name, for the payloads one side receives. */
export type EventSchemaMap<M> = { [K in keyof M]?: StandardSchemaV1<unknown, M[K]> };

/** Schemas per request name: of the payload (checked by the answering side) and of the response. */
export type RequestSchemaMap<M> = {
  [K in keyof M]?: {
    payload?: StandardSchemaV1<unknown, PayloadOf<M[K]>>;
    response?: StandardSchemaV1<unknown, ResponseOf<M[K]>>;
  };
};

/**
 * Validators for a spec, in the same shape: declare them once next to the spec and give the same
 * object to the server and the client; each end checks what it receives.
 *
 * @example
 * const schemas: EventSchemas<Chat> = { clientEvents: { message: z.string().max(500) } };
 */
export interface EventSchemas<S extends EventSpec> {
  clientEvents?: EventSchemaMap<Part<S, "clientEvents">>;
  serverEvents?: EventSchemaMap<Part<S, "serverEvents">>;
  clientRequests?: RequestSchemaMap<Part<S, "clientRequests">>;
  serverRequests?: RequestSchemaMap<Part<S, "serverRequests">>;
}
