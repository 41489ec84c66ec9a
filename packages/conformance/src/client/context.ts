import { afterEach } from "vitest";
import type { Cases } from "../support/runner.js";
import { ControlClient, type RemoteServer, type ServerApp } from "./control.js";
import type {
  ClientConformanceOptions,
  ClientServersInfo,
  ConformanceClient,
  ConformanceClientOptions,
  ConformanceEventOptions,
  ConformanceEvents,
} from "./types.js";

/** Every wait in the suite is bounded by this. */
export const TIMEOUT = 5000;

/** Helpers each client case file receives. */
export interface ClientSuiteContext {
  /** A fresh client, closed after the test. */
  client(options?: ConformanceClientOptions): ConformanceClient;
  /** A fresh server on the backend under test, disposed after the test. */
  server(app: ServerApp): Promise<RemoteServer>;
  control: ControlClient;
  /** Registers a test, honouring the skips declared for the backend. */
  it: Cases;
  /** Typed events on a client, or undefined when the client package offers none. */
  events(
    client: ConformanceClient,
    options?: ConformanceEventOptions,
  ): ConformanceEvents | undefined;
  /** Why the client cannot see a refused upgrade's HTTP status, if it cannot. */
  hiddenUpgradeStatus: string | undefined;
  /** Why `close()` waits out the platform's own timeout for a close frame that never comes, if it does. */
  slowCloseHandshake: string | undefined;
}

export function clientSuiteContext(
  options: ClientConformanceOptions,
  backend: string,
  info: ClientServersInfo,
  it: Cases,
): ClientSuiteContext {
  const control = new ControlClient(info);
  const clients: ConformanceClient[] = [];
  const servers: RemoteServer[] = [];
  afterEach(async () => {
    await Promise.allSettled(clients.splice(0).map((client) => client.close()));
    await Promise.allSettled(servers.splice(0).map((server) => server.dispose()));
  });
  return {
    control,
    it,
    events: (client, eventOptions = {}) => options.createEvents?.(client, eventOptions),
    hiddenUpgradeStatus: options.hiddenUpgradeStatus,
    slowCloseHandshake: options.slowCloseHandshake,
    client(clientOptions = {}) {
      const client = options.createClient({ connectTimeout: TIMEOUT, ...clientOptions });
      clients.push(client);
      return client;
    },
    async server(app) {
      const server = await control.start(backend, app);
      servers.push(server);
      return server;
    },
  };
}

/** Polls `check` (every few ms) until true; fails after `TIMEOUT`. */
export async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + TIMEOUT;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The error's `code`, for `expect(...).rejects` free assertions. */
export async function failureCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return String((error as { code?: unknown }).code);
  }
  throw new Error("expected a rejection");
}

/** The `code` of what `action` throws. */
export function thrownCode(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return String((error as { code?: unknown }).code);
  }
  throw new Error("expected an exception");
}

/** Index of the first byte where `a` and `b` differ (-1 when equal); deep equality is too slow for MiBs. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return a.byteLength === b.byteLength ? -1 : length;
}
