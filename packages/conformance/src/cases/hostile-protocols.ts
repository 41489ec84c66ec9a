import { describe, expect } from "vitest";
import { eventually, TestClient } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";
import { EVENTS_PROTOCOL } from "../support/event-wire.js";
import { frame } from "../support/frames.js";
import { expectHealthy, fieldsOf, startTarget } from "../support/hostile-server.js";
import { bodyOf, rawExchange, statusOf, upgradeRequest } from "../support/raw.js";
import { RawSocket } from "../support/raw-socket.js";
import { RECOVERY_PROTOCOL } from "../support/recovering-client.js";

const TEXT = 1;
const BINARY = 2;
const text = (payload: string | Uint8Array) => frame({ opcode: TEXT, payload });
const control = (value: string) => `\x1f${value}`;

/** The TEXT messages a raw socket got, in order. */
function texts(raw: RawSocket): string[] {
  return raw
    .frames()
    .filter((f) => f.opcode === TEXT)
    .map((f) => f.payload.toString("utf8"));
}

/** A recovery connection that sent its hello and got its welcome: the session id. */
async function recovering(port: number, hello = '["hello",null,0]') {
  const raw = await RawSocket.open(port, "/", { "sec-websocket-protocol": RECOVERY_PROTOCOL });
  raw.write(text(control(hello)));
  expect(await raw.waitFor((r) => texts(r).length > 0)).toBe(true);
  const welcome = JSON.parse(texts(raw)[0]!.slice(1)) as [string, string, boolean, number];
  expect(welcome[0]).toBe("welcome");
  return { raw, session: welcome[1], recovered: welcome[2] };
}

/** First messages a recovery connection must refuse (1002), before any channel exists. */
const BAD_HELLOS: readonly (readonly [string, Uint8Array | string, boolean?])[] = [
  ["a bare mark", control("")],
  ["truncated JSON", control('["hello",null')],
  ["an object instead of an array", control('{"hello":null}')],
  ["a hello without its count", control('["hello",null]')],
  ["a hello with a negative count", control('["hello",null,-1]')],
  ["a hello with a fractional count", control('["hello",null,1.5]')],
  ["a hello with an infinite count", control('["hello",null,1e400]')],
  ["a hello with an unsafe count", control('["hello",null,9007199254740993]')],
  ["a hello with a string count", control('["hello",null,"0"]')],
  ["a hello with a numeric session", control('["hello",5,0]')],
  ["a hello with an extra field", control('["hello",null,0,0]')],
  ["a welcome from the client", control('["welcome","x",true,0]')],
  ["an ack before the hello", control('["ack",0]')],
  ["an unknown control", control('["bye"]')],
  ["a data message", "hi"],
  ["an escaped data message", control(control('["hello",null,0]'))],
  ["a typed-events envelope", '\x1e[1,"e","say",{}]'],
  ["the hello as a BINARY message", control('["hello",null,0]'), true],
  ["the hello with the wrong mark (U+001E)", '\x1e["hello",null,0]'],
  [
    "a hello nested 10,000 deep",
    control(`["hello",null,${"[".repeat(10_000)}${"]".repeat(10_000)}]`),
  ],
];

/** Control messages a connected session must refuse (1002): the session ends, nothing is delivered. */
const BAD_CONTROLS: readonly (readonly [string, string])[] = [
  ["a second hello", '["hello",null,0]'],
  ["a hello naming its own session", '["hello","SESSION",0]'],
  ["a welcome", '["welcome","x",false,0]'],
  ["an ack for messages never sent", '["ack",5]'],
  ["an ack with a negative count", '["ack",-1]'],
  ["an ack with a fractional count", '["ack",0.5]'],
  ["an ack with a huge count", '["ack",99999999999999999999]'],
  ["an ack with a string count", '["ack","0"]'],
  ["an ack with two counts", '["ack",0,0]'],
  ["an ack without a count", '["ack"]'],
  ["an ack with leading zeros", '["ack",00]'],
  ["truncated JSON", '["ack",'],
  ["an empty array", "[]"],
  ["JSON that is not an array", '"ack"'],
  ["__proto__ as the control", '{"__proto__":["ack",0]}'],
];

/** Hostile input on the two negotiated protocols: recovery and typed events. */
export function hostileProtocolCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("hostile input: the recovery protocol", () => {
    it.each(
      BAD_HELLOS,
      ([what]) =>
        `a recovery connection whose first message is ${what} is closed with 1002 and opens no channel`,
      async ([, message, binary]) => {
        const running = await startTarget(ctx);
        const raw = await RawSocket.open(running.address.port, "/", {
          "sec-websocket-protocol": RECOVERY_PROTOCOL,
        });
        raw.write(frame({ opcode: binary ? BINARY : TEXT, payload: message }));
        const outcome = await raw.outcome();
        expect(outcome.ended).toBe(true);
        expect(outcome.closeCode).toBe(1002);
        expect(running.server.opened).toBe(0);
        expect(running.server.delivered).toEqual([]);
        await expectHealthy(running);
      },
    );

    it.each(
      BAD_CONTROLS,
      ([what]) =>
        `a session that sends ${what} is closed with 1002; nothing is delivered and the session ends`,
      async ([, message]) => {
        const running = await startTarget(ctx);
        const { raw, session } = await recovering(running.address.port);
        raw.write(text(control(message.replace("SESSION", session))));
        const outcome = await raw.outcome();
        expect(outcome.closeCode).toBe(1002);
        expect(running.server.delivered).toEqual([]);
        // 1002 is not a drop the client may come back from: the channel closes at once.
        await eventually(() => running.server.closed === 1, 3000, "onWsClose");
        const again = await recovering(running.address.port, `["hello","${session}",0]`);
        expect(again.recovered).toBe(false);
        again.raw.destroy();
        await expectHealthy(running);
      },
    );

    it("acks that go backwards or repeat are taken as cumulative: nothing is resent twice, nothing lost", async () => {
      const running = await startTarget(ctx);
      const { raw } = await recovering(running.address.port);
      for (const n of ["1", "2", "3"]) raw.write(text(n));
      await raw.waitFor((r) => texts(r).filter((t) => !t.startsWith("\x1f")).length === 3);
      for (const count of [3, 1, 3, 0, 2]) raw.write(text(control(`["ack",${count}]`)));
      raw.write(text("4"));
      await raw.waitFor((r) => texts(r).filter((t) => !t.startsWith("\x1f")).length === 4);
      expect(running.server.delivered).toEqual(["1", "2", "3", "4"]);
      expect(raw.ended).toBe(false);
      raw.destroy();
      await expectHealthy(running);
    });

    it.each(
      [
        ["an unknown session id", '["hello","00000000-0000-4000-8000-000000000000",0]'],
        ["an unknown session id with a count", '["hello","not-a-session",12]'],
        ["__proto__ as the session id", '["hello","__proto__",0]'],
        ["constructor as the session id", '["hello","constructor",0]'],
        ["an empty session id", '["hello","",0]'],
        ["a 30,000-character session id", `["hello","${"s".repeat(30_000)}",0]`],
      ] as const,
      ([what]) => `a hello naming ${what} gets a new session, never another's`,
      async ([, hello]) => {
        const running = await startTarget(ctx);
        const victim = await recovering(running.address.port);
        const { raw, session, recovered } = await recovering(running.address.port, hello);
        expect(recovered).toBe(false);
        expect(session).not.toBe(victim.session);
        // The victim's session is untouched: it still echoes.
        victim.raw.write(text("mine"));
        expect(await victim.raw.waitFor((r) => texts(r).includes("mine"))).toBe(true);
        raw.destroy();
        victim.raw.destroy();
        await expectHealthy(running);
      },
    );

    it("a hello that claims more messages than its session sent gets a new session", async () => {
      const running = await startTarget(ctx);
      const first = await recovering(running.address.port);
      first.raw.destroy();
      const { recovered, raw } = await recovering(
        running.address.port,
        `["hello","${first.session}",1000]`,
      );
      expect(recovered).toBe(false);
      raw.destroy();
      await expectHealthy(running);
    });

    it.each(
      [
        ["recovery and events, recovery first", `${RECOVERY_PROTOCOL}, ${EVENTS_PROTOCOL}`],
        ["events and recovery, events first", `${EVENTS_PROTOCOL}, ${RECOVERY_PROTOCOL}`],
        ["a recovery token with an empty inner protocol", `${RECOVERY_PROTOCOL}+`],
        ["a recovery token inside a recovery token", `${RECOVERY_PROTOCOL}+${RECOVERY_PROTOCOL}`],
        ["an unknown protocol", "x-unknown"],
        ["an unknown events codec", "switchboard.v1.msgpack"],
      ] as const,
      ([what]) => `offering ${what} agrees on one offered protocol, and the connection works`,
      async ([, offered]) => {
        const running = await startTarget(ctx);
        const raw = await RawSocket.open(running.address.port, "/", {
          "sec-websocket-protocol": offered,
        });
        const agreed = /sec-websocket-protocol: *([^\r\n]*)/i.exec(raw.head)?.[1];
        const offers = offered.split(",").map((p) => p.trim());
        if (agreed !== undefined) expect(offers).toContain(agreed);
        if (agreed === RECOVERY_PROTOCOL || agreed?.startsWith(`${RECOVERY_PROTOCOL}+`)) {
          raw.write(text(control('["hello",null,0]')));
          await raw.waitFor((r) => texts(r).length > 0);
          expect(texts(raw)[0]?.startsWith('\x1f["welcome"')).toBe(true);
        }
        raw.write(text("plain"));
        await eventually(() => running.server.delivered.length > 0 || raw.ended, 3000, "a reply");
        expect(running.server.delivered).toEqual(["plain"]);
        raw.destroy();
        await expectHealthy(running);
      },
    );
  });

  describe("hostile input: the subprotocol list", () => {
    it.each(
      [
        ["the same protocol twice", `${EVENTS_PROTOCOL}, ${EVENTS_PROTOCOL}`],
        ["the recovery token twice", `${RECOVERY_PROTOCOL},${RECOVERY_PROTOCOL}`],
        ["an empty element", `${EVENTS_PROTOCOL}, , chat`],
        ["only commas", ", ,"],
        ["an empty value", ""],
      ] as const,
      ([what]) => `refuses ${what} in Sec-WebSocket-Protocol with 400, the same on every engine`,
      async ([, offered]) => {
        const running = await startTarget(ctx);
        const answer = await rawExchange(
          running.address.port,
          upgradeRequest("/", { "sec-websocket-protocol": offered }),
        );
        expect(statusOf(answer)).toBe(400);
        expect(bodyOf(answer)).toContain("Sec-WebSocket-Protocol");
        expect(running.server.opened).toBe(0);
        await expectHealthy(running);
      },
    );
  });

  describe("hostile input: the typed-events protocol", () => {
    const hostile: readonly (readonly [string, string | Uint8Array, boolean?])[] = [
      ["invalid JSON", "\x1e[1,"],
      ["JSON that is not an array", '\x1e{"0":1,"1":"e","2":"say"}'],
      ["a number", "\x1e42"],
      ["null", "\x1enull"],
      ["a huge id", '\x1e[1e400,"e","say",{}]'],
      ["a negative id", '\x1e[-1,"e","say",{}]'],
      ["a fractional id", '\x1e[1.5,"e","say",{}]'],
      ["an id that is an object", '\x1e[{},"e","say",{}]'],
      ["a reply to a request never made", '\x1e[1,"r",12345,true]'],
      ["a reply with a huge target", '\x1e[1,"r",9007199254740993,true]'],
      ["a reply with a negative target", '\x1e[1,"r",-5,true]'],
      ["a failure for a request never made", '\x1e[1,"x",777,{"code":"A","message":"m"}]'],
      ["a failure without a code", '\x1e[1,"x",0,{"message":"m"}]'],
      ["a failure whose code is an object", '\x1e[1,"x",0,{"code":{},"message":"m"}]'],
      ["a request for an unknown name", '\x1e[1,"q","nobody",{}]'],
      ["an event named hasOwnProperty", '\x1e[1,"e","hasOwnProperty",{}]'],
      ["an event named toString", '\x1e[1,"e","toString",{}]'],
      ["a request named __proto__", '\x1e[1,"q","__proto__",{}]'],
      ["a request named constructor", '\x1e[1,"q","constructor",{}]'],
      ["an unknown type", '\x1e[1,"z","say",{}]'],
      ["five fields", '\x1e[1,"e","say",{},5]'],
      ["a binary envelope with no second mark", '\x1e[1,"e","say"]', true],
      ["a binary envelope with an empty head", "\x1e\x1e", true],
      ["a binary envelope with a broken head", '\x1e[1,"e"\x1ebytes', true],
      ["a binary envelope whose head is not UTF-8", new Uint8Array([0x1e, 0xff, 0xfe, 0x1e]), true],
      [
        "an envelope nested 30,000 deep",
        `\x1e[1,"e","say",${"[".repeat(30_000)}${"]".repeat(30_000)}]`,
      ],
    ];

    it.each(
      hostile,
      ([what]) => `${what} is refused or ignored, never thrown, and the connection keeps working`,
      async ([, message, binary]) => {
        const running = await startTarget(ctx);
        const client = await TestClient.connect(running.wsUrl("/"), {
          protocols: [EVENTS_PROTOCOL],
        });
        client.send(message, binary ?? false);
        client.send('\x1e[99,"q","add",{"a":1,"b":1}]');
        // Whatever came back first (a refusal, or nothing), the request after it is answered.
        const replies: string[] = [];
        while (!replies.some((reply) => reply.startsWith("\x1e[") && reply.includes(',"r",99,')))
          replies.push((await client.next()).text);
        expect(fieldsOf(replies.at(-1)!).slice(1)).toEqual(["r", 99, 2]);
        for (const reply of replies.slice(0, -1)) {
          expect(fieldsOf(reply)[1]).toBe("x");
          expect([0, 1]).toContain(fieldsOf(reply)[2]);
        }
        expect(running.server.delivered).toEqual([]);
        await client.close();
        await expectHealthy(running);
      },
    );

    it("__proto__ and constructor keys in a payload reach the handler as plain data and pollute nothing", async () => {
      const running = await startTarget(ctx);
      const client = await TestClient.connect(running.wsUrl("/"), { protocols: [EVENTS_PROTOCOL] });
      client.send('\x1e[1,"e","say",{"__proto__":{"polluted":"yes"},"text":"a"}]');
      client.send('\x1e[2,"e","say",{"constructor":{"prototype":{"polluted":"yes"}}}]');
      client.send('\x1e[3,"q","add",{"a":1,"b":2,"__proto__":{"a":5}}]');
      expect(fieldsOf((await client.next()).text).slice(1)).toEqual(["r", 3, 3]);
      await eventually(() => running.server.events.length === 2, 3000, "two events");
      const first = running.server.events[0] as Record<string, unknown>;
      expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
      await client.close();
      await expectHealthy(running);
    });

    it("a request id used twice is answered twice; the answers name it", async () => {
      const running = await startTarget(ctx);
      const client = await TestClient.connect(running.wsUrl("/"), { protocols: [EVENTS_PROTOCOL] });
      client.send('\x1e[7,"q","add",{"a":1,"b":1}]');
      client.send('\x1e[7,"q","add",{"a":2,"b":2}]');
      const answers = await client.texts(2);
      expect(answers.map((answer) => fieldsOf(answer).slice(1))).toEqual([
        ["r", 7, 2],
        ["r", 7, 4],
      ]);
      await client.close();
      await expectHealthy(running);
    });

    it("an unknown event with a 60,000-character name is answered with a bounded refusal", async () => {
      const running = await startTarget(ctx);
      const client = await TestClient.connect(running.wsUrl("/"), { protocols: [EVENTS_PROTOCOL] });
      client.send(`\x1e[1,"e","${"n".repeat(60_000)}",{}]`);
      const refusal = await client.nextText();
      expect(fieldsOf(refusal).slice(1, 3)).toEqual(["x", 0]);
      expect(fieldsOf(refusal)[3]).toMatchObject({ code: "UNKNOWN_EVENT" });
      expect(refusal.length).toBeLessThan(2000);
      await client.close();
      await expectHealthy(running);
    });

    it("events inside recovery: garbage envelopes are data messages, numbered, refused and the session goes on", async () => {
      const running = await startTarget(ctx);
      const raw = await RawSocket.open(running.address.port, "/", {
        "sec-websocket-protocol": `${RECOVERY_PROTOCOL}+${EVENTS_PROTOCOL}`,
      });
      raw.write(text(control('["hello",null,0]')));
      raw.write(text("\x1e[1,"));
      raw.write(text('\x1e[2,"q","add",{"a":1,"b":1}]'));
      expect(await raw.waitFor((r) => texts(r).some((t) => t.includes('"r",2,2')))).toBe(true);
      expect(texts(raw).some((t) => t.includes("INVALID_PAYLOAD"))).toBe(true);
      raw.destroy();
      await expectHealthy(running);
    });
  });
}
