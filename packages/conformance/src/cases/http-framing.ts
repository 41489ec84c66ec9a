import { connect } from "node:net";
import { WebServer, type WebServerOptions } from "@switchboard/core";
import { describe, expect } from "vitest";
import type { SuiteContext } from "../support/context.js";
import { framingRoutes } from "../support/framing-routes.js";
import { bodyOf, rawRequest } from "../support/raw.js";

/** Records every request that reached a route, so a smuggled one shows. */
class FramingServer extends WebServer {
  readonly reached: string[] = [];

  override onInit() {
    framingRoutes(this, this.reached);
  }
}

const head = (lines: string[]) => `${lines.join("\r\n")}\r\n\r\n`;
/** A complete second request, hidden where a body would be if the first were framed otherwise. */
const SMUGGLED = "GET /smuggled HTTP/1.1\r\nhost: x\r\n\r\n";
const CHUNKED_BODY = `${SMUGGLED.length.toString(16)}\r\n${SMUGGLED}\r\n0\r\n\r\n`;

/**
 * Request heads whose body framing is ambiguous (RFC 9112 6.3): each engine and each proxy could
 * read the body's length differently, so every one must be refused and the connection closed.
 */
const AMBIGUOUS: readonly (readonly [string, string[], string])[] = [
  [
    "two different Content-Length headers (0 and the rest)",
    ["content-length: 0", `content-length: ${SMUGGLED.length}`],
    SMUGGLED,
  ],
  [
    "two different Content-Length headers (the rest and 0)",
    [`content-length: ${SMUGGLED.length}`, "content-length: 0"],
    SMUGGLED,
  ],
  [
    "two equal Content-Length headers",
    [`content-length: ${SMUGGLED.length}`, `content-length: ${SMUGGLED.length}`],
    SMUGGLED,
  ],
  ["a Content-Length list", [`content-length: 0, ${SMUGGLED.length}`], SMUGGLED],
  ["a signed Content-Length", [`content-length: +${SMUGGLED.length}`], SMUGGLED],
  ["Transfer-Encoding: chunked, identity", ["transfer-encoding: chunked, identity"], CHUNKED_BODY],
  [
    "two Transfer-Encoding headers",
    ["transfer-encoding: chunked", "transfer-encoding: chunked"],
    CHUNKED_BODY,
  ],
  [
    "Transfer-Encoding with Content-Length",
    ["transfer-encoding: chunked", "content-length: 0"],
    CHUNKED_BODY,
  ],
  ["an unknown transfer coding", ["transfer-encoding: gzip"], CHUNKED_BODY],
  ["a coding before chunked", ["transfer-encoding: gzip, chunked"], CHUNKED_BODY],
];

/** How a request's body is delimited, and requests engines differ on. */
export function httpFramingCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("HTTP framing", () => {
    const start = (limits: Partial<WebServerOptions> = {}) =>
      ctx.start(
        (backend) =>
          new FramingServer({ backend, maxBodyBytes: 1000, onError: () => {}, ...limits }),
      );

    // Sent in one write with a request behind it: a server framing by another value would run
    // that request (request smuggling). Whatever the engine answers, it must never run it.
    it.each(
      AMBIGUOUS,
      ([shape]) => `never runs what follows ${shape} as a request, and closes the connection`,
      async ([, lines, rest]) => {
        const { address, server } = await start();
        const outcome = await rawRequest(
          address.port,
          head(["POST /upload HTTP/1.1", "host: x", ...lines]) + rest,
        );
        expect(outcome.closedByServer).toBe(true);
        expect(server.reached).not.toContain("smuggled");
        expect(outcome.text).not.toContain("smuggled");
        expect(outcome.text.match(/HTTP\/1\.1 \d{3}/g)?.length ?? 0).toBeLessThanOrEqual(1);
      },
    );

    it.each(
      AMBIGUOUS,
      ([shape]) => `answers ${shape} with 400 and Connection: close, before any route runs`,
      async ([, lines]) => {
        const { address, server } = await start();
        const outcome = await rawRequest(
          address.port,
          head(["POST /upload HTTP/1.1", "host: x", ...lines]),
        );
        expect(outcome.status).toBe(400);
        expect(outcome.text.toLowerCase()).toContain("connection: close");
        expect(outcome.closedByServer).toBe(true);
        expect(server.reached).toEqual([]);
      },
    );

    it("accepts Transfer-Encoding: chunked in any letter case", async () => {
      const { address } = await start();
      const outcome = await rawRequest(
        address.port,
        head([
          "POST /upload HTTP/1.1",
          "host: x",
          "transfer-encoding: Chunked",
          "connection: close",
        ]) + "3\r\nabc\r\n0\r\n\r\n",
      );
      expect(outcome.status).toBe(200);
      expect(bodyOf(outcome.text)).toBe("3");
    });

    // A response without a body is framed by its status (RFC 9110 6.4.1): a length on it, or an
    // engine waiting for body bytes that never come, leaves the connection answering nothing more.
    it.each(
      [
        ["a 204", "GET /empty"],
        ["a 304", "GET /unchanged"],
        ["a HEAD answer", "HEAD /ping"],
      ] as const,
      ([shape]) => `after ${shape}, the same connection answers the next request`,
      async ([, line]) => {
        const { address } = await start();
        const outcome = await rawRequest(
          address.port,
          head([`${line} HTTP/1.1`, "host: x"]) +
            head(["GET /ping HTTP/1.1", "host: x", "connection: close"]),
        );
        expect(outcome.text.match(/HTTP\/1\.1 \d{3}/g)).toHaveLength(2);
        expect(outcome.text.endsWith("\r\n\r\npong")).toBe(true);
        expect(outcome.closedByServer).toBe(true);
      },
    );

    it("sends no Content-Length with a 204 or a 304", async () => {
      const { address } = await start();
      for (const path of ["/empty", "/unchanged"]) {
        const outcome = await rawRequest(
          address.port,
          head([`GET ${path} HTTP/1.1`, "host: x", "connection: close"]),
        );
        expect(outcome.status).toBe(path === "/empty" ? 204 : 304);
        expect(outcome.text.toLowerCase()).not.toContain("content-length");
        expect(outcome.closedByServer).toBe(true);
      }
    });

    // RFC 9112 9.6: after a request with the close option, the server processes no more. The
    // answer itself may be lost (status 0): uWS ends a connection that sends a request while
    // an answer is pending, and a closing answer waits for the handler to return.
    it("never runs a request pipelined behind one that asked for Connection: close", async () => {
      const { address, server } = await start();
      const outcome = await rawRequest(
        address.port,
        head(["GET /ping HTTP/1.1", "host: x", "connection: close"]) + SMUGGLED,
      );
      expect([200, 0]).toContain(outcome.status);
      expect(outcome.closedByServer).toBe(true);
      expect(server.reached).not.toContain("smuggled");
      expect(outcome.text).not.toContain("smuggled");
    });

    // Said, the client ends the connection; uWS itself ends it only after a request that asked.
    it("a 204 whose route sets connection: close says so", async () => {
      const { address } = await start();
      const outcome = await rawRequest(
        address.port,
        head(["GET /empty-closing HTTP/1.1", "host: x"]),
        1000,
      );
      expect(outcome.status).toBe(204);
      expect(outcome.text.toLowerCase()).toContain("connection: close");
      expect(outcome.text.toLowerCase()).not.toContain("content-length");
    });

    // HTTP/1.0 has no keep-alive by default: the answer ends the connection.
    it("answers an HTTP/1.0 request (200, or 505 from an engine that speaks only 1.1) and closes", async () => {
      const { address } = await start();
      const outcome = await rawRequest(address.port, head(["GET /ping HTTP/1.0", "host: x"]));
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(outcome.text)?.[1] ?? 0);
      expect([200, 505]).toContain(status);
      if (status === 200) expect(bodyOf(outcome.text)).toBe("pong");
      expect(outcome.closedByServer).toBe(true);
    });

    it("answers a request of 60 header lines within maxHeaderBytes (200, or 431 from an engine that counts lines)", async () => {
      const { address } = await start();
      const lines = Array.from({ length: 59 }, (_, i) => `x-h${i}: v`);
      const outcome = await rawRequest(
        address.port,
        head(["GET /ping HTTP/1.1", "host: x", ...lines, "connection: close"]),
      );
      expect([200, 431]).toContain(outcome.status);
      if (outcome.status === 200) expect(bodyOf(outcome.text)).toBe("pong");
    });

    // A steady trickle (4 bytes/s) keeps the connection busy but never completes the body: what
    // ends it is bodyTimeoutMs, with a 408, not an engine's own reset.
    it("answers 408 to an upload that trickles past bodyTimeoutMs", async () => {
      const bodyTimeoutMs = 12_000;
      const { address, server } = await start({ bodyTimeoutMs });
      const outcome = await trickle(
        address.port,
        head(["POST /upload HTTP/1.1", "host: x", "content-length: 900"]),
        bodyTimeoutMs + 5000,
      );
      expect(outcome.status).toBe(408);
      expect(outcome.closedByServer).toBe(true);
      expect(server.reached).toEqual(["upload"]);
    }, 25_000);
  });
}

/** Sends `head`, then one body byte every 250 ms until the server answers or `limitMs` passes. */
async function trickle(port: number, head: string, limitMs: number) {
  return new Promise<{ status: number; closedByServer: boolean }>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    const finish = (closedByServer: boolean) => {
      clearInterval(drip);
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), closedByServer });
    };
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
    });
    socket.on("close", () => finish(true));
    socket.on("error", () => finish(true));
    socket.write(head);
    const drip = setInterval(() => {
      if (!socket.destroyed) socket.write("x");
    }, 250);
    const timer = setTimeout(() => finish(false), limitMs);
  });
}
