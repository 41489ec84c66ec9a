import { SwitchboardError } from "../errors.js";
import { checkDelay } from "../options.js";

/**
 * Connection state recovery: a client that offers `switchboard.recovery.v1` and comes back
 * within `windowMs` gets what it missed, and its channel stays the same object. See
 * docs/recovery.md.
 */
export interface RecoveryOptions {
  /** How long a dropped channel waits for its client to come back. Default 120000 ms (socket.io's). */
  windowMs?: number;
  /**
   * Messages kept per channel until the client acknowledges them (it does every 128 messages or
   * 50 ms). While the client is away, a send beyond it ends the session. Default 10000.
   */
  maxMessages?: number;
  /** Bytes kept per channel, as `maxMessages`. Default 8 MiB. */
  maxBytes?: number;
}

/** Recovery options with every default applied. */
export type ResolvedRecovery = Required<RecoveryOptions>;

/** What `recovery: true` means: a 2-minute window, 10000 messages or 8 MiB per channel. */
export const DEFAULT_RECOVERY: Readonly<ResolvedRecovery> = {
  windowMs: 120_000,
  maxMessages: 10_000,
  maxBytes: 8 * 1024 * 1024,
};

/** `true` takes the defaults; a field that is not a number ≥ 1 is refused. */
export function resolveRecovery(
  input: boolean | RecoveryOptions | undefined,
): ResolvedRecovery | undefined {
  if (input === undefined || input === false) return undefined;
  if (input !== true && (typeof input !== "object" || input === null)) {
    throw new SwitchboardError("INVALID_OPTION", `recovery: ${String(input)}`);
  }
  const resolved = { ...DEFAULT_RECOVERY };
  for (const key of Object.keys(input === true ? {} : input)) {
    const value = (input as Record<string, unknown>)[key];
    if (!(key in DEFAULT_RECOVERY)) {
      throw new SwitchboardError(
        "INVALID_OPTION",
        `unknown recovery option "${key}"; known: windowMs, maxMessages, maxBytes`,
      );
    }
    if (value === undefined) continue;
    if (typeof value !== "number" || !(value >= 1)) {
      throw new SwitchboardError("INVALID_OPTION", `recovery.${key}: ${String(value)}`);
    }
    if (key === "windowMs") checkDelay("recovery.windowMs", value);
    resolved[key as keyof ResolvedRecovery] = value;
  }
  return resolved;
}
