import { expect } from "vitest";
import { type ClientSuiteContext, sleep, TIMEOUT } from "../context.js";
import type { HostileScript, HostileState } from "../hostile.js";
import type { ConformanceClient, ConformanceClientOptions } from "../types.js";

/** Everything a client told its callbacks, for the hostile cases' assertions. */
export interface Seen {
  opens: number;
  /** onClose: code, reason, reconnecting. */
  closes: [number, string, boolean][];
  /** onMessage texts and onMessageFrame byte lengths. */
  texts: string[];
  frames: number[];
  /** onError and onStop, as they came. */
  errors: unknown[];
  stops: unknown[];
}

/** A client whose every callback records into `seen`. */
export function watched(
  ctx: ClientSuiteContext,
  options: ConformanceClientOptions = {},
): { client: ConformanceClient; seen: Seen } {
  const seen: Seen = { opens: 0, closes: [], texts: [], frames: [], errors: [], stops: [] };
  const client = ctx.client({
    ...options,
    onOpen: () => {
      seen.opens++;
    },
    onClose: (code, reason, reconnecting) => seen.closes.push([code, reason, reconnecting]),
    onMessage: (text) => seen.texts.push(text),
    onMessageFrame: (data) => seen.frames.push(data.byteLength),
    onError: (error) => seen.errors.push(error),
    onStop: (error) => seen.stops.push(error),
  });
  return { client, seen };
}

/** The `code` of an error, or "untyped" when it is not one of the client's typed errors. */
export function codeOf(error: unknown): string {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return (name === "ClientError" || name === "EventError") && typeof code === "string"
    ? code
    : `untyped ${String(error)}`;
}

/**
 * How `promise` settled within `ms`: "resolved", the rejection's code, or "pending" (a promise
 * that hangs is what the hostile cases look for).
 */
export async function settled(promise: Promise<unknown>, ms = TIMEOUT): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    promise.then(
      () => "resolved",
      (error: unknown) => codeOf(error),
    ),
    new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve("pending"), ms);
    }),
  ]);
  clearTimeout(timer);
  return outcome;
}

/** A hostile server for one test, disposed after `run`, whatever happens. */
export async function withHostile<T>(
  ctx: ClientSuiteContext,
  script: HostileScript,
  run: (server: { url: string; state(): Promise<HostileState> }) => Promise<T>,
): Promise<T> {
  const server = await ctx.control.hostile(script);
  try {
    return await run(server);
  } finally {
    await server.dispose();
  }
}

/** Waits until `check` holds, or `ms` passed: for cases where "nothing happened" is the result. */
export async function within(ms: number, check: () => boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await sleep(5);
  return check();
}

/**
 * The invariants every hostile case ends with: every error reported is typed, the client
 * closes (and `close()`, `nextMessage()` settle) whatever the server did, and nothing
 * polluted `Object.prototype`.
 */
export async function expectSound(client: ConformanceClient, seen: Seen): Promise<void> {
  expect(seen.errors.map(codeOf).filter((code) => code.startsWith("untyped"))).toEqual([]);
  expect(seen.stops.map(codeOf).filter((code) => code.startsWith("untyped"))).toEqual([]);
  expect(await settled(client.close())).toBe("resolved");
  expect(client.isConnected).toBe(false);
  // Unread messages stay readable after a close; the first read past them ends.
  for (let i = 0; i < 100_000; i++) {
    const next = await settled(client.nextMessage({ timeout: TIMEOUT }));
    if (next !== "resolved") {
      expect(next).toBe("CLOSED");
      break;
    }
  }
  expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
}
