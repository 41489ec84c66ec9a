import { connect } from "node:net";
import { describe, expect } from "vitest";
import { TestClient } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";
import { EVENTS_PROTOCOL } from "../support/event-wire.js";
import { closePayload, frame } from "../support/frames.js";
import { expectHealthy, SECRET, startTarget } from "../support/hostile-server.js";
import { type RawOutcome, statusOf, upgradeRequest } from "../support/raw.js";
import { RawSocket } from "../support/raw-socket.js";
import { RECOVERY_PROTOCOL } from "../support/recovering-client.js";

/**
 * A seeded generator (xorshift32): every run mutates the same way, so a failure names a seed and
 * a case that reproduce it.
 */
class Random {
  #x: number;
  constructor(seed: number) {
    this.#x = seed >>> 0 || 1;
  }
  /** An integer in [0, n). */
  below(n: number): number {
    let x = this.#x;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#x = x >>> 0;
    return this.#x % n;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }
}

const SEED = 0x5eed;
/** Bytes that mean something to a parser: line ends, separators, digits, hex, NUL, high bytes. */
const SIGNIFICANT = [...'\r\n\0 \t:;,=-+0123456789abcdefABCDEF%/.\x1e\x1f[]{}"\\'].map((c) =>
  c.charCodeAt(0),
);

/** One mutation of `input`: flipped bits, a replaced, deleted or repeated byte, a cut, junk. */
function mutate(random: Random, input: Uint8Array, hot = input.length): Uint8Array {
  const bytes = [...input];
  const at = (limit: number) => random.below(Math.max(1, Math.min(limit, bytes.length)));
  const rounds = 1 + random.below(3);
  for (let round = 0; round < rounds; round++) {
    switch (random.below(6)) {
      case 0: {
        const i = at(hot);
        bytes[i] = ((bytes[i] ?? 0) ^ (1 << random.below(8))) & 0xff;
        break;
      }
      case 1:
        bytes[at(bytes.length)] =
          random.below(3) === 0 ? random.below(256) : random.pick(SIGNIFICANT);
        break;
      case 2:
        bytes.splice(at(bytes.length), 1);
        break;
      case 3: {
        const i = at(bytes.length);
        bytes.splice(i, 0, ...bytes.slice(i, i + 1 + random.below(8)));
        break;
      }
      case 4:
        bytes.length = at(bytes.length) + 1;
        break;
      default:
        for (let n = random.below(8); n >= 0; n--) bytes.push(random.below(256));
    }
  }
  return Uint8Array.from(bytes);
}

/** Close codes a server may send (RFC 6455 7.4), or 1005 (an empty close frame). */
function sendableClose(code: number): boolean {
  return (
    code === 1005 ||
    (code >= 1000 && code <= 1003) ||
    (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999)
  );
}

const WS_CASES = 120;
const EVENT_CASES = 200;
const HTTP_CASES = 120;

/** Valid frames the WebSocket fuzzer starts from, on a plain or a recovery connection. */
const FRAMES: readonly (readonly [protocol: string | undefined, bytes: Buffer])[] = [
  [undefined, frame({ opcode: 1, payload: "hello" })],
  [undefined, frame({ opcode: 2, payload: Buffer.from([0, 1, 2, 0xff]) })],
  [undefined, frame({ opcode: 1, payload: "x".repeat(200) })],
  [undefined, frame({ opcode: 9, payload: "ping" })],
  [undefined, frame({ opcode: 8, payload: closePayload(1000, "bye") })],
  [
    undefined,
    Buffer.concat([
      frame({ opcode: 1, payload: "frag", fin: false }),
      frame({ opcode: 0, payload: "ment" }),
    ]),
  ],
  [RECOVERY_PROTOCOL, frame({ opcode: 1, payload: '\x1f["hello",null,0]' })],
  [
    RECOVERY_PROTOCOL,
    Buffer.concat([
      frame({ opcode: 1, payload: '\x1f["hello",null,0]' }),
      frame({ opcode: 1, payload: "data" }),
      frame({ opcode: 1, payload: '\x1f["ack",1]' }),
    ]),
  ],
];

const ENVELOPES = [
  '\x1e[1,"e","say",{"text":"hello"}]',
  '\x1e[2,"q","add",{"a":1,"b":2}]',
  '\x1e[3,"r",1,true]',
  '\x1e[4,"x",0,{"code":"A","message":"m"}]',
  '\x1e["id","e","say"]',
];

const head = (lines: string[]) => `${lines.join("\r\n")}\r\n\r\n`;
const REQUESTS = [
  head(["GET /ping HTTP/1.1", "host: x", "connection: close"]),
  `${head(["POST /upload HTTP/1.1", "host: x", "content-length: 5", "connection: close"])}hello`,
  `${head(["POST /upload HTTP/1.1", "host: x", "transfer-encoding: chunked", "connection: close"])}5\r\nhello\r\n0\r\n\r\n`,
  head(["GET /static/hello.txt HTTP/1.1", "host: x", "connection: close"]),
  head(["GET /users/7?x=1 HTTP/1.1", "host: x", "connection: close"]),
  upgradeRequest("/", { "sec-websocket-protocol": EVENTS_PROTOCOL }),
];

/**
 * Sends a request and waits for the server to close the connection, or for one whole answer
 * (an upgrade, or a body as long as its Content-Length) on a connection it keeps open.
 */
function exchange(port: number, request: Uint8Array, timeoutMs: number): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    const finish = (closedByServer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, status: statusOf(text), closedByServer });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      if (isWhole(text)) finish(false);
    });
    socket.on("close", () => finish(true));
    socket.on("error", () => finish(true));
    socket.write(request);
  });
}

/**
 * Whether a request's head is complete. A cut one waits for the rest until the head timeout,
 * which is the application's own where Switchboard is attached to its server (the HTTP limits
 * cases test that timeout); the fuzzer judges only what the server can parse to the end.
 */
function hasWholeHead(request: Uint8Array): boolean {
  const text = Buffer.from(request).toString("latin1");
  return text.includes("\r\n\r\n") || text.includes("\n\n");
}

function isWhole(answer: string): boolean {
  const end = answer.indexOf("\r\n\r\n");
  if (end === -1) return false;
  if (statusOf(answer) === 101) return true;
  const length = /\r\ncontent-length: *(\d+)/i.exec(answer.slice(0, end))?.[1];
  return length !== undefined && answer.length - end - 4 >= Number(length);
}

/** A small seeded fuzzer: valid frames, envelopes and requests, mutated, on every engine. */
export function hostileFuzzCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe(`hostile input: fuzzing (seed ${SEED})`, () => {
    it(`${WS_CASES} mutated WebSocket frames: each ends its connection with a sendable code or is served; no invalid text reaches user code`, async () => {
      const running = await startTarget(ctx);
      const random = new Random(SEED);
      const failures: string[] = [];
      let ended = 0;
      const cases = Array.from({ length: WS_CASES }, (_, n) => {
        const [protocol, bytes] = random.pick(FRAMES);
        return { n, protocol, bytes: mutate(random, bytes, 14) };
      });
      // A dozen at a time: each waits a moment for the server's verdict.
      for (let i = 0; i < cases.length; i += 12) {
        await Promise.all(
          cases.slice(i, i + 12).map(async ({ n, protocol, bytes }) => {
            const raw = await RawSocket.open(
              running.address.port,
              "/",
              protocol ? { "sec-websocket-protocol": protocol } : {},
            );
            raw.write(bytes);
            const outcome = await raw.outcome(400);
            if (outcome.ended) ended++;
            if (outcome.closeCode !== undefined && !sendableClose(outcome.closeCode))
              failures.push(
                `case ${n} (${Buffer.from(bytes).toString("hex")}): close ${outcome.closeCode}`,
              );
          }),
        );
      }
      expect(failures).toEqual([]);
      // The mutations reach both sides of the parser: some end the connection, some are served.
      expect(ended).toBeGreaterThan(WS_CASES / 10);
      expect(ended).toBeLessThan(WS_CASES);
      await expectHealthy(running);
    });

    it(`${EVENT_CASES} mutated envelopes on one events connection: each is refused, ignored or handled, and the connection still answers`, async () => {
      const running = await startTarget(ctx);
      const random = new Random(SEED + 1);
      const client = await TestClient.connect(running.wsUrl("/"), { protocols: [EVENTS_PROTOCOL] });
      const encoder = new TextEncoder();
      for (let n = 0; n < EVENT_CASES; n++) {
        const mutated = mutate(random, encoder.encode(random.pick(ENVELOPES)));
        // A TEXT message must be UTF-8 (the engine closes with 1007 otherwise): this fuzzes the
        // envelope, so what is not UTF-8 goes as BINARY.
        const text = new TextDecoder().decode(mutated);
        if (encoder.encode(text).length === mutated.length) client.send(text);
        else client.send(mutated, true);
      }
      client.send('\x1e[999,"q","add",{"a":20,"b":22}]');
      let answered = false;
      for (let i = 0; i < EVENT_CASES * 2 && !answered; i++) {
        const reply = (await client.next()).text;
        answered = reply.endsWith(',"r",999,42]');
      }
      expect(answered).toBe(true);
      await client.close();
      await expectHealthy(running);
    });

    it(`${HTTP_CASES} mutated HTTP requests, sent at once: 4xx, served or closed; never a 5xx, a file outside the root, or a hang past the engine's idle timeout`, async () => {
      const running = await startTarget(ctx, { headersTimeoutMs: 2000, bodyTimeoutMs: 2000 });
      const random = new Random(SEED + 2);
      const encoder = new TextEncoder();
      const failures: string[] = [];
      const statuses = new Set<number>();
      await Promise.all(
        Array.from({ length: HTTP_CASES }, async (_, n) => {
          const request = mutate(random, encoder.encode(random.pick(REQUESTS)));
          const outcome = await exchange(running.address.port, request, 15_000);
          const { status } = outcome;
          const served = (status >= 100 && status < 500) || status === 501 || status === 505;
          const wrong = outcome.text.includes(SECRET)
            ? "served the secret"
            : status === 0 && !outcome.closedByServer && hasWholeHead(request)
              ? "left open"
              : status !== 0 && !served
                ? `status ${status}`
                : undefined;
          statuses.add(status);
          if (wrong)
            failures.push(
              `case ${n} (${JSON.stringify(Buffer.from(request).toString("latin1"))}): ${wrong}`,
            );
        }),
      );
      expect(failures).toEqual([]);
      expect(statuses).toContain(200);
      expect([...statuses].some((status) => status >= 400)).toBe(true);
      await expectHealthy(running);
    }, 30_000);
  });
}
