import type { Backend, BoundAddress, WebServer } from "@switchboard/core";
import { afterEach } from "vitest";
import type { Cases, Skip } from "./runner.js";

/** What a backend author passes to `serverConformance`. */
export interface ServerConformanceOptions {
  /** Shown in test names, e.g. "ws". */
  name: string;
  /** Makes a fresh backend; called once per server the suite starts. */
  backend: () => Backend;
  /** Tests this engine cannot pass, each with the engine's reason. */
  skip?: readonly Skip[];
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
  /** Registers a test (or one per row with `it.each`), honouring the declared skips. */
  it: Cases;
  /** Makes a fresh backend of the engine under test. */
  backend: () => Backend;
  /** Starts a server on 127.0.0.1:0; it is closed after the test. */
  start<S extends WebServer>(create: (backend: Backend) => S): Promise<Running<S>>;
}

export function suiteContext(options: ServerConformanceOptions, it: Cases): SuiteContext {
  const started: WebServer[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.close()));
  });
  return {
    it,
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
