import { SwitchboardError } from "./errors.js";

/**
 * permessage-deflate (RFC 7692) tuning. Every field is optional; `perMessageDeflate: true` is
 * `{}`. An engine that cannot honour a combination refuses it at `listen()` with
 * `INVALID_OPTION`, naming the setting: nothing is silently approximated.
 *
 * @example
 * new ChatServer({
 *   backend,
 *   perMessageDeflate: { threshold: 256, compressor: "dedicated", serverMaxWindowBits: 12, memLevel: 5 },
 * });
 */
export interface PerMessageDeflateOptions {
  /** Messages smaller than this many bytes are sent uncompressed. Default 1024. */
  threshold?: number;
  /**
   * `"shared"`: each message is compressed on its own (no server context takeover); on
   * uWebSockets.js and Bun one compressor serves every connection, so a connection costs no
   * compression memory. ws has no shared compressor: it keeps a zlib stream per connection that
   * has compressed a message, reset after each one. `"dedicated"`: a compressor per connection
   * that keeps its window between messages (better ratio, more memory). Default `"shared"`.
   */
  compressor?: "shared" | "dedicated";
  /** Largest LZ77 window the server compresses with, 9–15 (2^bits bytes). Default 15. */
  serverMaxWindowBits?: number;
  /** Largest window the server asks clients to compress with, 9–15. Default 15. */
  clientMaxWindowBits?: number;
  /** zlib memory level of the server's compressor, 1–9. Default 8. */
  memLevel?: number;
  /** The server resets its compressor after every message. Default: true with `"shared"`. */
  serverNoContextTakeover?: boolean;
  /**
   * The client is asked to reset its compressor after every message, so the server keeps no
   * inflation window per connection. Default: true with `"shared"`.
   */
  clientNoContextTakeover?: boolean;
}

/** permessage-deflate as core resolved it: every field set, checked, for the engine to map. */
export interface DeflateSettings {
  /** Send messages of this many bytes or more compressed. */
  readonly threshold: number;
  /** One compressor for all connections, or one per connection. */
  readonly compressor: "shared" | "dedicated";
  /** The server's compression window, in bits (9–15). */
  readonly serverMaxWindowBits: number;
  /** The window clients are asked to use, in bits (9–15). */
  readonly clientMaxWindowBits: number;
  /** zlib memory level of the server's compressor (1–9). */
  readonly memLevel: number;
  /** The server resets its compressor after each message. */
  readonly serverNoContextTakeover: boolean;
  /** Clients are asked to reset theirs after each message. */
  readonly clientNoContextTakeover: boolean;
  /** The fields the application set itself: an engine refuses only what was asked of it. */
  readonly given: ReadonlySet<keyof PerMessageDeflateOptions>;
}

const KNOWN = [
  "threshold",
  "compressor",
  "serverMaxWindowBits",
  "clientMaxWindowBits",
  "memLevel",
  "serverNoContextTakeover",
  "clientNoContextTakeover",
] as const;

/** `perMessageDeflate` checked and completed; undefined when it is off. */
export function resolveDeflate(
  input: boolean | PerMessageDeflateOptions,
): DeflateSettings | undefined {
  if (input === false) return undefined;
  if (input !== true && (typeof input !== "object" || input === null || Array.isArray(input))) {
    invalid("perMessageDeflate", input, "true, false or an options object");
  }
  const options: PerMessageDeflateOptions = input === true ? {} : input;
  const given = new Set<keyof PerMessageDeflateOptions>();
  for (const [key, value] of Object.entries(options)) {
    if (!(KNOWN as readonly string[]).includes(key)) {
      invalid(`perMessageDeflate.${key}`, value, `one of the known fields (${KNOWN.join(", ")})`);
    }
    if (value !== undefined) given.add(key as keyof PerMessageDeflateOptions);
  }
  const compressor = options.compressor ?? "shared";
  if (compressor !== "shared" && compressor !== "dedicated") {
    invalid("perMessageDeflate.compressor", compressor, '"shared" or "dedicated"');
  }
  const settings: DeflateSettings = {
    threshold: integer("threshold", options.threshold ?? 1024, 0, Number.MAX_SAFE_INTEGER),
    compressor,
    serverMaxWindowBits: integer("serverMaxWindowBits", options.serverMaxWindowBits ?? 15, 9, 15),
    clientMaxWindowBits: integer("clientMaxWindowBits", options.clientMaxWindowBits ?? 15, 9, 15),
    memLevel: integer("memLevel", options.memLevel ?? 8, 1, 9),
    serverNoContextTakeover: flag(
      "serverNoContextTakeover",
      options.serverNoContextTakeover ?? compressor === "shared",
    ),
    clientNoContextTakeover: flag(
      "clientNoContextTakeover",
      options.clientNoContextTakeover ?? compressor === "shared",
    ),
    given,
  };
  if (compressor === "shared" && !settings.serverNoContextTakeover) {
    invalid(
      "perMessageDeflate.serverNoContextTakeover",
      false,
      'true with compressor "shared" (a shared compressor cannot keep one connection\'s window)',
    );
  }
  return settings;
}

/** An engine's refusal of a setting it cannot honour, in the same words on every engine. */
export function unsupportedDeflate(engine: string, setting: string, why: string): SwitchboardError {
  return new SwitchboardError(
    "INVALID_OPTION",
    `perMessageDeflate.${setting} is not supported on ${engine}: ${why}`,
  );
}

/**
 * The (window bits, memLevel) pairs of the dedicated compressors uWebSockets.js (and Bun, which
 * embeds it) offers, by their size in KiB: `DEDICATED_COMPRESSOR_3KB` … `_256KB`.
 */
const UWS_DEDICATED: readonly (readonly [kib: number, windowBits: number, memLevel: number])[] = [
  [3, 9, 1],
  [4, 9, 2],
  [8, 10, 3],
  [16, 11, 4],
  [32, 12, 5],
  [64, 13, 6],
  [128, 14, 7],
  [256, 15, 8],
];

/** What a uWebSockets.js-family engine is to be configured with, in its own units. */
export interface UwsCompression {
  /** 0 for the shared compressor, else the dedicated compressor's size in KiB (3 … 256). */
  compressorKiB: number;
  /** 0 for the shared decompressor (client no context takeover), else the window in bytes (512 … 32768). */
  decompressorBytes: number;
}

/**
 * permessage-deflate settings in the terms of uWebSockets.js and Bun. Throws `INVALID_OPTION`
 * for what these engines cannot do: a window or memLevel for the shared compressor, a dedicated
 * compressor without context takeover, a (window, memLevel) pair they have no compressor for.
 */
export function uwsCompression(engine: string, settings: DeflateSettings): UwsCompression {
  const { given } = settings;
  let compressorKiB = 0;
  if (settings.compressor === "shared") {
    for (const field of ["serverMaxWindowBits", "memLevel"] as const) {
      if (given.has(field)) {
        throw unsupportedDeflate(
          engine,
          field,
          'the shared compressor has fixed settings; use compressor "dedicated"',
        );
      }
    }
  } else {
    if (settings.serverNoContextTakeover) {
      throw unsupportedDeflate(
        engine,
        "serverNoContextTakeover",
        'a dedicated compressor keeps its window; use compressor "shared" to reset after every message',
      );
    }
    const pair = UWS_DEDICATED.find(
      ([, windowBits, memLevel]) =>
        (!given.has("serverMaxWindowBits") && !given.has("memLevel")
          ? windowBits === 15
          : (!given.has("serverMaxWindowBits") || windowBits === settings.serverMaxWindowBits) &&
            (!given.has("memLevel") || memLevel === settings.memLevel)) &&
        // Of the two compressors with window 9, the one with the larger memLevel unless asked.
        (given.has("memLevel") || !(windowBits === 9 && memLevel === 1)),
    );
    if (!pair) {
      throw unsupportedDeflate(
        engine,
        "memLevel",
        `its dedicated compressors take (serverMaxWindowBits, memLevel) ${UWS_DEDICATED.map(([, w, m]) => `(${w}, ${m})`).join(", ")}, not (${settings.serverMaxWindowBits}, ${settings.memLevel})`,
      );
    }
    compressorKiB = pair[0];
  }
  const decompressorBytes = settings.clientNoContextTakeover
    ? 0
    : 2 ** settings.clientMaxWindowBits;
  return { compressorKiB, decompressorBytes };
}

function integer(name: string, value: unknown, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    invalid(`perMessageDeflate.${name}`, value, `an integer from ${min} to ${max}`);
  }
  return value as number;
}

function flag(name: string, value: unknown): boolean {
  if (typeof value !== "boolean") invalid(`perMessageDeflate.${name}`, value, "true or false");
  return value;
}

function invalid(name: string, value: unknown, expected: string): never {
  throw new SwitchboardError(
    "INVALID_OPTION",
    `${name} must be ${expected}, got ${typeof value === "string" ? `"${value}"` : String(value)}`,
  );
}
