import { parseArgs } from "node:util";
import { type BackendName, backends, isBackendName } from "./backends.js";
import { USAGE_EXIT_CODE } from "./exit-codes.js";

/** What the command line asks for. */
export interface ChatOptions {
  backend: BackendName;
  port: number;
  host: string;
  maxMessageBytes: number;
  /** Open connections per client address (IPv4, or IPv6 /64); 0 is no cap. */
  maxConnectionsPerIp: number;
  /** Messages per second one connection may send (bursts up to it); 0 is no limit. */
  maxMessagesPerSecond: number;
  /** Redis URL: share one chat room with every process on the same Redis. */
  redis: string | undefined;
}

/** A command line that cannot be run; the process exits with `USAGE_EXIT_CODE`. */
export class UsageError extends Error {}

export { USAGE_EXIT_CODE };

/** The defaults a deployment of the chat runs with: see docs/limits-and-security.md. */
export const CHAT_DEFAULTS = {
  /** A chat line is at most MAX_LINE (2000) characters: 16 KiB holds one in any script, as an event. */
  maxMessageBytes: 16 * 1024,
  /** Enough for a household or a small office behind one NAT address. */
  maxConnectionsPerIp: 32,
  /** Far above anyone typing, far below a script. */
  maxMessagesPerSecond: 20,
} as const;

export const USAGE = `usage: node dist/server.js [--backend ${Object.keys(backends).join("|")}] [--port N] [--host H] [--max-message-bytes N]
                             [--max-connections-per-ip N] [--max-messages-per-second N] [--redis URL]
  --backend                  engine to run on (default ws; bun runs under Bun: bun dist/server.js --backend bun)
  --port                     TCP port, 0 picks a free one (default 8080)
  --host                     address to bind (default 127.0.0.1)
  --max-message-bytes        largest WebSocket message accepted; a bigger one closes its sender with 1009 (default ${CHAT_DEFAULTS.maxMessageBytes})
  --max-connections-per-ip   connections one address may hold; more are refused with 429, 0 is no cap (default ${CHAT_DEFAULTS.maxConnectionsPerIp})
  --max-messages-per-second  messages one connection may send per second; faster closes it with 1008, 0 is no limit (default ${CHAT_DEFAULTS.maxMessagesPerSecond})
  --redis                    share one chat room with every chat process on this Redis, e.g. redis://127.0.0.1:6379`;

/** Parses `argv` (without `node` and the script); throws `UsageError` on anything unexpected. */
export function parseChatArgs(argv: string[]): ChatOptions | "help" {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        backend: { type: "string", default: "ws" },
        port: { type: "string", default: "8080" },
        host: { type: "string", default: "127.0.0.1" },
        "max-message-bytes": { type: "string", default: String(CHAT_DEFAULTS.maxMessageBytes) },
        "max-connections-per-ip": {
          type: "string",
          default: String(CHAT_DEFAULTS.maxConnectionsPerIp),
        },
        "max-messages-per-second": {
          type: "string",
          default: String(CHAT_DEFAULTS.maxMessagesPerSecond),
        },
        redis: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values["help"]) return "help";
  const backend = String(values["backend"]);
  if (!isBackendName(backend)) {
    throw new UsageError(
      `unknown backend "${backend}"; choose one of: ${Object.keys(backends).join(", ")}`,
    );
  }
  const host = String(values["host"]);
  if (host === "") throw new UsageError("--host must not be empty");
  return {
    backend,
    port: integerFlag("port", values["port"], 0, 65535),
    host,
    maxMessageBytes: integerFlag("max-message-bytes", values["max-message-bytes"], 1, 2 ** 31),
    maxConnectionsPerIp: integerFlag(
      "max-connections-per-ip",
      values["max-connections-per-ip"],
      0,
      1_000_000,
    ),
    maxMessagesPerSecond: integerFlag(
      "max-messages-per-second",
      values["max-messages-per-second"],
      0,
      1_000_000,
    ),
    redis: redisFlag(values["redis"]),
  };
}

/** `parseChatArgs` for a CLI: prints help or the error and usage, and exits. */
export function chatArgsOrExit(argv: string[]): ChatOptions {
  try {
    const parsed = parseChatArgs(argv);
    if (parsed !== "help") return parsed;
    console.log(USAGE);
    process.exit(0);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`chat-example: ${error.message}\n${USAGE}`);
    process.exit(USAGE_EXIT_CODE);
  }
}

function integerFlag(name: string, raw: unknown, min: number, max: number): number {
  const text = String(raw);
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function redisFlag(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw);
  if (!URL.canParse(text) || !/^rediss?:$/.test(new URL(text).protocol)) {
    throw new UsageError(`--redis must be a redis:// or rediss:// URL, got "${text}"`);
  }
  return text;
}
