import { connect } from "node:net";
import { describe, expect } from "vitest";
import { eventually } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";
import { frame } from "../support/frames.js";
import { expectHealthy, SECRET, startTarget } from "../support/hostile-server.js";
import { bodyOf, type RawOutcome, rawRequest, upgradeRequest } from "../support/raw.js";
import { RawSocket } from "../support/raw-socket.js";

const head = (lines: string[]) => `${lines.join("\r\n")}\r\n\r\n`;
/** The head of a chunked upload on a connection that closes after it. */
const CHUNKED_UPLOAD = head([
  "POST /upload HTTP/1.1",
  "host: x",
  "transfer-encoding: chunked",
  "connection: close",
]);
const SMUGGLED = "GET /smuggled HTTP/1.1\r\nhost: x\r\n\r\n";
const size = SMUGGLED.length.toString(16);

/** Why an answer to hostile HTTP is not contained, if it is not: a 4xx, a served request, or a closed connection. */
function uncontained(outcome: RawOutcome): string | undefined {
  const { status } = outcome;
  if (outcome.text.includes(SECRET)) return "served the secret";
  if (outcome.text.includes("smuggled")) return "ran the smuggled request";
  if (status === 0 && outcome.closedByServer) return undefined;
  if ((status >= 200 && status < 500) || status === 501 || status === 505) return undefined;
  return `status ${status}, ${outcome.closedByServer ? "closed" : "left open"}: ${JSON.stringify(outcome.text.slice(0, 80))}`;
}

/** One request of the corpus, and what else its answer must satisfy. */
interface Probe {
  name: string;
  request: string;
  /** Why the answer is wrong for this probe, if it is. */
  check?: (outcome: RawOutcome) => string | undefined;
}

/**
 * How long a hostile request may hold its connection: engines that never answer a request they
 * cannot parse (uWebSockets.js) drop it at their idle timeout, about 10 s.
 */
const CUT_OFF_MS = 15_000;

/** Bodies framed so that a server reading them another way would run the request hidden inside. */
const SMUGGLING: readonly (readonly [string, string[], string])[] = [
  [
    "Transfer-Encoding folded onto a second line (obs-fold)",
    ["content-length: 0", "transfer-encoding:", " chunked"],
    `${size}\r\n${SMUGGLED}\r\n0\r\n\r\n`,
  ],
  [
    "a space before the colon of Transfer-Encoding",
    ["transfer-encoding : chunked", "content-length: 0"],
    `${size}\r\n${SMUGGLED}\r\n0\r\n\r\n`,
  ],
  [
    "a vertical tab after chunked",
    ["transfer-encoding: chunked\x0b"],
    `${size}\r\n${SMUGGLED}\r\n0\r\n\r\n`,
  ],
  [
    "Transfer-Encoding: xchunked",
    ["transfer-encoding: xchunked"],
    `${size}\r\n${SMUGGLED}\r\n0\r\n\r\n`,
  ],
  [
    "a chunk size that is not hex",
    ["transfer-encoding: chunked"],
    `zz\r\n${SMUGGLED}\r\n0\r\n\r\n`,
  ],
  ["a negative chunk size", ["transfer-encoding: chunked"], `-1\r\n${SMUGGLED}\r\n0\r\n\r\n`],
  [
    "a chunk size past 64 bits",
    ["transfer-encoding: chunked"],
    `1${"0".repeat(17)}\r\n${SMUGGLED}\r\n0\r\n\r\n`,
  ],
  [
    "a chunk size written 0x…",
    ["transfer-encoding: chunked"],
    `0x${size}\r\n${SMUGGLED}\r\n0\r\n\r\n`,
  ],
  [
    "chunk data longer than its size",
    ["transfer-encoding: chunked"],
    `3\r\nabc${SMUGGLED}\r\n0\r\n\r\n`,
  ],
  [
    "a chunk extension hiding a line feed",
    ["transfer-encoding: chunked"],
    `3;x=\n${SMUGGLED}\r\nabc\r\n0\r\n\r\n`,
  ],
  [
    "a bare LF ending the chunk size",
    ["transfer-encoding: chunked"],
    `${size}\n${SMUGGLED}\r\n0\r\n\r\n`,
  ],
  ["Content-Length in hex", [`content-length: 0x${size}`], SMUGGLED],
  ["Content-Length with an exponent", ["content-length: 3e1"], SMUGGLED],
  ["a negative Content-Length", ["content-length: -1"], SMUGGLED],
  ["a Content-Length past 64 bits", ["content-length: 18446744073709551617"], SMUGGLED],
  ["an empty Content-Length", ["content-length: "], SMUGGLED],
  ["a Content-Length folded onto a second line", ["content-length: 0", " 37"], SMUGGLED],
  [
    "a bare CR inside a header",
    [`x-a: 1\rcontent-length: 0`, `content-length: ${SMUGGLED.length}`],
    SMUGGLED,
  ],
];

/** Request lines and heads no client would send. */
const ABSURD: readonly (readonly [string, string])[] = [
  ["an unknown method", "FOO /ping HTTP/1.1"],
  ["a lower-case method", "get /ping HTTP/1.1"],
  ["a method with a NUL", "G\x00T /ping HTTP/1.1"],
  ["a 5,000-character method", `${"A".repeat(5000)} /ping HTTP/1.1`],
  ["a traversal in the path", "GET /../../../../etc/passwd HTTP/1.1"],
  ["an encoded NUL in the path", "GET /%00 HTTP/1.1"],
  ["a broken percent-encoding in a route parameter", "GET /users/%zz HTTP/1.1"],
  ["a truncated UTF-8 percent-encoding in a route parameter", "GET /users/%E0%A4%A HTTP/1.1"],
  ["an encoded NUL in a route parameter", "GET /users/%00 HTTP/1.1"],
  ["raw non-ASCII bytes in the path", "GET /users/\xff\xfe HTTP/1.1"],
  ["raw UTF-8 in the path", `GET /users/${Buffer.from("é", "utf8").toString("latin1")} HTTP/1.1`],
  ["an 8,000-character path", `GET /users/${"a".repeat(8000)} HTTP/1.1`],
  ["a 100,000-character path", `GET /${"a".repeat(100_000)} HTTP/1.1`],
  ["a path that is *", "GET * HTTP/1.1"],
  ["an absolute-form target", "GET http://evil.example/ping HTTP/1.1"],
  ["a path without a leading slash", "GET ping HTTP/1.1"],
  ["an empty target", "GET  HTTP/1.1"],
  ["a broken query", "GET /ping?%zz=%zz&&&=&a HTTP/1.1"],
  ["a fragment in the target", "GET /ping#frag HTTP/1.1"],
  ["an HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM"],
  ["HTTP/1.2", "GET /ping HTTP/1.2"],
  ["HTTP/0.9 style", "GET /ping"],
  ["a header name with a space", "GET /ping HTTP/1.1\r\nx y: 1"],
  ["a header value with a NUL", "GET /ping HTTP/1.1\r\nx-a: a\x00b"],
  ["a header value with DEL", "GET /ping HTTP/1.1\r\nx-a: a\x7fb"],
  ["a header line that is only a colon", "GET /ping HTTP/1.1\r\n:"],
  ["an obs-fold line right after the request line", "GET /ping HTTP/1.1\r\n folded: 1"],
  ["LF-only line endings", "GET /ping HTTP/1.1\nhost: x\nconnection: close\n"],
];

/** Static paths that try to leave the root; the secret beside the root must never be served. */
const ESCAPES = [
  "/static/../secret.txt",
  "/static/..%2fsecret.txt",
  "/static/%2e%2e/secret.txt",
  "/static/%2e%2e%2fsecret.txt",
  "/static/.%2e/secret.txt",
  "/static/..%5csecret.txt",
  "/static/..\\secret.txt",
  "/static/%252e%252e/secret.txt",
  "/static/%c0%ae%c0%ae/secret.txt",
  "/static/%e0%80%ae%e0%80%ae/secret.txt",
  "/static/....//secret.txt",
  "/static//../secret.txt",
  "/static/hello.txt%00.png",
  "/static/hello.txt/..",
  "/static/%ff",
  "/static/%",
  `/static/${"../".repeat(50)}secret.txt`,
];

/** Preflights with garbage in the fields CORS reads and repeats. */
const PREFLIGHTS: readonly (readonly [string, Record<string, string>])[] = [
  ["a method of control bytes", { "access-control-request-method": "\x01\x02" }],
  ["headers of non-ASCII bytes", { "access-control-request-headers": "\xe9\xff, x-\x7f" }],
  ["an origin of non-ASCII bytes", { origin: "https://\xe9\xff.example" }],
  ["a 10,000-character origin", { origin: `https://${"a".repeat(10_000)}.example` }],
  ["the null origin", { origin: "null" }],
];

/** Upgrade requests every engine must refuse before any channel exists. */
const BAD_UPGRADES: readonly (readonly [string, Record<string, string>])[] = [
  [
    "a key of 22 characters that are not base64",
    { "sec-websocket-key": "!!!!!!!!!!!!!!!!!!!!!!==" },
  ],
  ["a key of 17 bytes", { "sec-websocket-key": "AAAAAAAAAAAAAAAAAAAAAAA=" }],
  ["a key of 24 bytes", { "sec-websocket-key": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }],
  [
    "two keys in one header",
    { "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==, dGhlIHNhbXBsZSBub25jZQ==" },
  ],
  ["an empty key", { "sec-websocket-key": "" }],
  ["version 13, 13", { "sec-websocket-version": "13, 13" }],
  ["version 013", { "sec-websocket-version": "013" }],
  ["version 12", { "sec-websocket-version": "12" }],
  ["a version with a NUL", { "sec-websocket-version": "13\x00" }],
  ["Upgrade: websocket2", { upgrade: "websocket2" }],
  ["Connection: close", { connection: "close" }],
];

/** Every request of the hostile HTTP corpus, each with its own check. */
function corpus(): Probe[] {
  const refused = (outcome: RawOutcome) =>
    outcome.status === 200 || outcome.status === 101 ? `answered ${outcome.status}` : undefined;
  return [
    ...SMUGGLING.map(([shape, lines, rest]) => ({
      name: `smuggling: ${shape}`,
      request: head(["POST /upload HTTP/1.1", "host: x", ...lines]) + rest,
      check: (outcome: RawOutcome) =>
        (outcome.text.match(/HTTP\/1\.1 \d{3}/g)?.length ?? 0) > 1 ? "answered twice" : undefined,
    })),
    ...ABSURD.map(([what, start]) => ({
      name: `absurd: ${what}`,
      request: `${start.includes("\n") ? start : `${start}\r\nhost: x`}\r\nconnection: close\r\n\r\n`,
    })),
    ...ESCAPES.map((path) => ({
      name: `static: ${path}`,
      request: head([`GET ${path} HTTP/1.1`, "host: x", "connection: close"]),
      check: refused,
    })),
    ...PREFLIGHTS.map(([what, fields]) => ({
      name: `preflight: ${what}`,
      request: head([
        "OPTIONS /ping HTTP/1.1",
        "host: x",
        ...Object.entries({
          origin: "https://good.example",
          "access-control-request-method": "POST",
          ...fields,
        }).map(([name, value]) => `${name}: ${value}`),
        "connection: close",
      ]),
    })),
    {
      name: "preflight: OPTIONS *",
      request: head(["OPTIONS * HTTP/1.1", "host: x", "connection: close"]),
    },
    ...BAD_UPGRADES.map(([what, overrides]) => ({
      name: `upgrade: ${what}`,
      request: upgradeRequest("/", overrides),
      check: (outcome: RawOutcome) => (outcome.status === 101 ? "upgraded" : undefined),
    })),
  ];
}

/** Sends `payload`, half-closes the socket (FIN), and waits for the server to close it. */
function halfClosed(port: number, payload: string, timeoutMs = 3000): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
    let text = "";
    const finish = (closedByServer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), closedByServer });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
    });
    socket.on("end", () => finish(true));
    socket.on("close", () => finish(true));
    socket.on("error", () => finish(true));
    socket.end(payload);
  });
}

/** Hostile HTTP and upgrade requests: framing, targets, heads, half-closed sockets. */
export function hostileHttpCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("hostile input: HTTP", () => {
    it(
      "contains every request of the hostile corpus, sent at once: 4xx, served, or closed within the engine's idle timeout; never a 5xx, a smuggled request or a file outside the root",
      async () => {
        const running = await startTarget(ctx);
        const probes = corpus();
        const failures: string[] = [];
        await Promise.all(
          probes.map(async (probe) => {
            const outcome = await rawRequest(running.address.port, probe.request, CUT_OFF_MS);
            const why = uncontained(outcome) ?? probe.check?.(outcome);
            if (why) failures.push(`${probe.name}: ${why}`);
          }),
        );
        expect(failures).toEqual([]);
        expect(running.server.reached).not.toContain("smuggled");
        await expectHealthy(running);
      },
      CUT_OFF_MS + 10_000,
    );

    it("accepts chunk extensions, or refuses them, but reads the body right", async () => {
      const running = await startTarget(ctx);
      const outcome = await rawRequest(
        running.address.port,
        CHUNKED_UPLOAD + '3;name=value;quoted="a;b"\r\nabc\r\n2\r\nde\r\n0\r\n\r\n',
      );
      expect(uncontained(outcome)).toBeUndefined();
      expect([0, 200, 400]).toContain(outcome.status);
      if (outcome.status === 200) expect(bodyOf(outcome.text)).toBe("5");
      await expectHealthy(running);
    });

    it("reads a chunked body's trailer section as part of its request: one answer", async () => {
      const running = await startTarget(ctx);
      const outcome = await rawRequest(
        running.address.port,
        CHUNKED_UPLOAD + "3\r\nabc\r\n0\r\nx-trailer: 1\r\n\r\n",
      );
      expect(outcome.text.match(/HTTP\/1\.1 \d{3}/g)).toEqual(["HTTP/1.1 200"]);
      expect(bodyOf(outcome.text)).toBe("3");
      await expectHealthy(running);
    });

    it("never runs a request hidden in the trailer section of a chunked body", async () => {
      const running = await startTarget(ctx);
      const outcome = await rawRequest(
        running.address.port,
        head(["POST /upload HTTP/1.1", "host: x", "transfer-encoding: chunked"]) +
          `3\r\nabc\r\n0\r\n${SMUGGLED}`,
      );
      expect(uncontained(outcome)).toBeUndefined();
      expect(running.server.reached).not.toContain("smuggled");
      await expectHealthy(running);
    });

    it("answers 500 header lines (200 or 431), and 5,000 with 431 or a closed connection", async () => {
      const running = await startTarget(ctx);
      const many = (count: number) => Array.from({ length: count }, (_, i) => `x-${i}: v`);
      const some = await rawRequest(
        running.address.port,
        head(["GET /ping HTTP/1.1", "host: x", ...many(500), "connection: close"]),
      );
      expect([200, 431]).toContain(some.status);
      const lots = await rawRequest(
        running.address.port,
        head(["GET /ping HTTP/1.1", "host: x", ...many(5000), "connection: close"]),
      );
      expect(lots.status === 431 || (lots.status === 0 && lots.closedByServer)).toBe(true);
      await expectHealthy(running);
    });

    it.each(
      [
        [
          "20 pipelined requests in order, a GET with a body among them",
          [
            ...Array.from({ length: 20 }, () => head(["GET /ping HTTP/1.1", "host: x"])),
            `${head(["GET /ping HTTP/1.1", "host: x", "content-length: 5"])}hello`,
          ],
          22, // answers with a body: each GET
        ],
        [
          "a pipelined HEAD without a body, and the request after it",
          [head(["HEAD /ping HTTP/1.1", "host: x"])],
          1,
        ],
      ] as const,
      ([what]) => `answers ${what}`,
      async ([, requests, bodies]) => {
        const running = await startTarget(ctx);
        const outcome = await rawRequest(
          running.address.port,
          requests.join("") + head(["GET /ping HTTP/1.1", "host: x", "connection: close"]),
        );
        expect(outcome.text.match(/HTTP\/1\.1 200/g)?.length).toBe(requests.length + 1);
        expect(outcome.text.match(/pong/g)?.length).toBe(bodies);
        expect(outcome.closedByServer).toBe(true);
        await expectHealthy(running);
      },
    );

    it("a request followed by a half-close is answered or dropped, and the connection is closed", async () => {
      const running = await startTarget(ctx);
      const whole = await halfClosed(running.address.port, head(["GET /ping HTTP/1.1", "host: x"]));
      expect(whole.closedByServer).toBe(true);
      expect([0, 200]).toContain(whole.status);
      const partial = await halfClosed(
        running.address.port,
        head(["POST /upload HTTP/1.1", "host: x", "content-length: 100"]) + "only ten b",
      );
      expect(partial.closedByServer).toBe(true);
      expect(partial.status === 0 || (partial.status >= 400 && partial.status < 500)).toBe(true);
      const headOnly = await halfClosed(running.address.port, "GET /ping HTTP/1.1\r\nhost:");
      expect(headOnly.closedByServer).toBe(true);
      await expectHealthy(running);
    });
  });

  describe("hostile input: upgrades", () => {
    it.each(
      [
        "dGhlIHNhbXBsZSBub25jZQ==",
        "permessage-deflate; server_max_window_bits=7",
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=abc",
        "permessage-deflate; client_max_window_bits=0",
        "permessage-deflate; client_max_window_bits=99999999999999999999",
        'permessage-deflate; client_max_window_bits="10"',
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; server_no_context_takeover=yes",
        "permessage-deflate; unknown_param=1",
        "permessage-deflate, permessage-deflate",
        "permessage-deflate; server_max_window_bits=7, permessage-deflate",
        ";;;,,,",
        "x-webkit-deflate-frame",
        `permessage-deflate; ${"a=1; ".repeat(500)}`,
      ],
      (offer) =>
        `an upgrade offering Sec-WebSocket-Extensions ${JSON.stringify(offer.slice(0, 60))} is refused (400) or works`,
      async (offer) => {
        const running = await startTarget(ctx, { perMessageDeflate: true });
        const outcome = await rawRequest(
          running.address.port,
          upgradeRequest("/", { "sec-websocket-extensions": offer }),
          500,
        );
        expect([101, 400]).toContain(outcome.status);
        if (outcome.status === 101) {
          const agreed = /sec-websocket-extensions: *([^\r\n]*)/i.exec(outcome.text)?.[1];
          if (agreed !== undefined) {
            expect(agreed).toMatch(/^permessage-deflate(;|$)/);
            for (const bits of agreed.matchAll(/_max_window_bits=(\d+)/g))
              expect(Number(bits[1])).toBeGreaterThanOrEqual(8);
          }
          const raw = await RawSocket.open(running.address.port, "/", {
            "sec-websocket-extensions": offer,
          });
          raw.write(frame({ opcode: 1, payload: "works" }));
          await eventually(() => running.server.delivered.includes("works"), 3000, "the message");
          raw.destroy();
        }
        await expectHealthy(running);
      },
    );

    it.each(
      [
        ["the allowed origin", "https://good.example", true],
        ["the allowed origin in capitals", "HTTPS://GOOD.EXAMPLE", false],
        ["the allowed origin with a trailing slash", "https://good.example/", false],
        ["the allowed origin as a prefix", "https://good.example.evil.example", false],
        [
          "the allowed origin and another in one header",
          "https://good.example, https://evil.example",
          false,
        ],
        ["the null origin", "null", false],
        ["an empty origin", "", false],
      ] as const,
      ([what]) => `with allowedOrigins, an upgrade from ${what} is decided exactly`,
      async ([, origin, allowed]) => {
        const running = await startTarget(ctx, { allowedOrigins: ["https://good.example"] });
        const outcome = await rawRequest(
          running.address.port,
          upgradeRequest("/", { origin }),
          500,
        );
        expect(outcome.status).toBe(allowed ? 101 : 403);
        await expectHealthy(running, { origin: "https://good.example" });
      },
    );

    it("a second Origin header never lets a refused origin in", async () => {
      const running = await startTarget(ctx, { allowedOrigins: ["https://good.example"] });
      for (const [first, second] of [
        ["https://evil.example", "https://good.example"],
        ["https://good.example", "https://evil.example"],
      ] as const) {
        const request = upgradeRequest("/", { origin: first }).replace(
          "\r\n\r\n",
          `\r\norigin: ${second}\r\n\r\n`,
        );
        const outcome = await rawRequest(running.address.port, request, 500);
        expect([400, 403], `${first} then ${second}`).toContain(outcome.status);
      }
      expect(running.server.opened).toBe(0);
      await expectHealthy(running, { origin: "https://good.example" });
    });

    it("an upgrade accepted without a subprotocol agrees to none, whatever the client offered", async () => {
      const running = await startTarget(ctx, {
        onWsUpgrade: (_request, admission) => admission.accept(),
      });
      const outcome = await rawRequest(
        running.address.port,
        upgradeRequest("/", { "sec-websocket-protocol": "chat, other" }),
        500,
      );
      expect(outcome.status).toBe(101);
      expect(outcome.text.toLowerCase()).not.toContain("sec-websocket-protocol");
      await eventually(() => running.server.channels.size === 1, 3000, "the channel");
      expect([...running.server.channels][0]?.protocol).toBe("");
    });

    it("a WebSocket client that half-closes its socket is closed, and its channel is gone", async () => {
      const running = await startTarget(ctx);
      const raw = await RawSocket.open(running.address.port);
      await eventually(() => running.server.opened === 1, 3000, "onWsOpen");
      raw.socket.end();
      expect((await raw.outcome()).ended).toBe(true);
      await eventually(() => running.server.closed === 1, 3000, "onWsClose");
      await expectHealthy(running);
    });

    it("an upgrade with a body never delivers the body as a message", async () => {
      const running = await startTarget(ctx);
      const extras: Record<string, string>[] = [
        { "content-length": "5" },
        { "transfer-encoding": "chunked" },
      ];
      for (const extra of extras) {
        const body = "content-length" in extra ? "hello" : "5\r\nhello\r\n0\r\n\r\n";
        const outcome = await rawRequest(
          running.address.port,
          upgradeRequest("/ping", extra) + body,
          500,
        );
        expect([101, 400]).toContain(outcome.status);
      }
      expect(running.server.delivered).toEqual([]);
      await expectHealthy(running);
    });

    it("a client that stops or drops mid-handshake, or while its admission is pending, leaves nothing behind", async () => {
      const decisions: (() => void)[] = [];
      const running = await startTarget(ctx, {
        onWsUpgrade(request, admission) {
          decisions.push(() => admission.accept({ protocol: request.protocols[0] }));
        },
      });
      const half = connect(running.address.port, "127.0.0.1");
      half.write(upgradeRequest("/").slice(0, 40));
      const pending = connect(running.address.port, "127.0.0.1");
      pending.write(upgradeRequest("/"));
      await eventually(() => decisions.length === 1, 3000, "the admission");
      half.destroy();
      pending.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      for (const decide of decisions) decide();
      await eventually(() => running.server.clientCount === 0, 3000, "no channel");
      expect(running.server.opened).toBe(running.server.closed);
      // Later upgrades are decided at once.
      decisions.length = 0;
      const later = expectHealthy(running);
      const drain = setInterval(() => {
        for (const decide of decisions.splice(0)) decide();
      }, 5);
      try {
        await later;
      } finally {
        clearInterval(drain);
      }
    });
  });
}
