import type { Backend, BoundAddress, WebServer } from "@switchboard/core";
import { afterEach, beforeEach } from "vitest";

/** What a backend author passes to `serverConformance`. */
export interface ServerConformanceOptions {
  /** Shown in test names, e.g. "ws". */
  name: string;
  /** Makes a fresh backend; called once per server the suite starts. */
  backend: () => Backend;
  /**
   * Cases this run cannot pass for a reason of its setup rather than of the engine (those are
   * `Backend.limitations`), keyed by the case's name, with the reason: each is reported as a
   * skip carrying it. E.g. a backend attached to a server the test made, whose node:http
   * settings are the application's.
   */
  skip?: Readonly<Record<string, string>>;
}

/** A running server under test. */
export interface Running<S extends WebServer> {
  /** The server, listening. */
  server: S;
  /** Where it listens. */
  address: BoundAddress;
  /** `ws://127.0.0.1:PORT` + path. */
  wsUrl(path?: string): string;
  /** `http://127.0.0.1:PORT` + path. */
  httpUrl(path?: string): string;
}

/** Helpers each case file receives. */
export interface SuiteContext {
  /** Makes a fresh backend of the engine under test. */
  backend: () => Backend;
  /** Starts a server on 127.0.0.1:0; it is closed after the test. */
  start<S extends WebServer>(create: (backend: Backend) => S): Promise<Running<S>>;
}

export function suiteContext(options: ServerConformanceOptions): SuiteContext {
  const started: WebServer[] = [];
  const skip = options.skip ?? {};
  beforeEach((context) => {
    const reason = skip[context.task.name];
    if (reason !== undefined) context.skip(`${options.name}: ${reason}`);
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.close()));
  });
  return {
    backend: options.backend,
    async start(create) {
      const server = create(options.backend());
      started.push(server);
      const address = await server.listen({ port: 0, host: "127.0.0.1" });
      return {
        server,
        address,
        wsUrl: (path = "/") => `ws://127.0.0.1:${address.port}${path}`,
        httpUrl: (path = "/") => `http://127.0.0.1:${address.port}${path}`,
      };
    },
  };
}
