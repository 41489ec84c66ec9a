import { describe, expect, it, type TestContext } from "vitest";
import type { ClientSuiteContext } from "../context.js";
import { type HostileFrame, hostile } from "../hostile.js";
import { codeOf, expectSound, settled, watched, withHostile, within } from "./hostile-support.js";

/** Fixed seed and count: every run sends the same messages, so a failure replays. */
const SEED = 0x5b0a7d;
const CASES = 30;

/** mulberry32: a small, seedable PRNG. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;
const word = (random: Random, length = 1 + Math.floor(random() * 8)) =>
  Array.from({ length }, () => String.fromCharCode(0x20 + Math.floor(random() * 95))).join("");

/** One fuzz case of the recovery protocol: frames, and what the client must deliver. */
interface RecoveryCase {
  frames: HostileFrame[];
  /** Whether `connect()` must resolve: a welcome came before anything wrong. */
  opens: boolean;
  /** Data the client must deliver (before the first violation), and may (all after the welcome). */
  must: string[];
  may: string[];
}

function recoveryCase(random: Random): RecoveryCase {
  const frames: HostileFrame[] = [];
  const must: string[] = [];
  const may: string[] = [];
  let welcomed = false;
  let broken = false;
  let opens = false;
  const violation = () => {
    broken = true;
  };
  for (let i = 0, count = 1 + Math.floor(random() * 6); i < count; i++) {
    const roll = random();
    if (roll < 0.3 || (i === 0 && roll < 0.6)) {
      frames.push(hostile.control(["welcome", word(random), false, Math.floor(random() * 9)]));
      if (welcomed) violation();
      else if (!broken) opens = true;
      welcomed = true;
    } else if (roll < 0.6) {
      const text = random() < 0.2 ? `\x1f\x1f${word(random)}` : word(random);
      frames.push(hostile.text(text));
      const data = text.startsWith("\x1f") ? text.slice(1) : text;
      if (!welcomed) violation();
      else {
        may.push(data);
        if (!broken) must.push(data);
      }
    } else if (roll < 0.7) {
      // The client sent nothing: only an ack of 0 is right.
      const count = pick(random, [0, 0, 1, -1, 2 ** 53, 1.5]);
      frames.push(hostile.control(["ack", count]));
      if (count !== 0 || !welcomed) violation();
    } else {
      const garbage = pick(random, [
        word(random),
        `["ack",${word(random, 2)}`,
        `["welcome",${word(random, 3)}]`,
        `["hello",null,${Math.floor(random() * 9)}]`,
        "",
      ]);
      frames.push(hostile.control(garbage));
      violation();
    }
  }
  return { frames, opens, must, may };
}

/** Envelope parts, right and wrong; a tick is valid with a positive id, "e", "tick" and a number. */
const IDS = [1, 7, "a", 0, -1, "", {}, null, 2 ** 53, 1.5];
const TYPES = ["e", "e", "q", "r", "x", "zz", "", 5, null, "E"];
const TARGETS = ["tick", "tick", "echo", "", 5, {}, null, "__proto__", "constructor", 1];
const DATA = [1, 42, -3.5, "s", null, {}, [], true, { code: "E", message: "m" }, { code: 5 }];
const validId = (id: unknown) =>
  typeof id === "string" ? id !== "" : Number.isSafeInteger(id) && (id as number) > 0;

interface EventCase {
  frames: HostileFrame[];
  ticks: number[];
  raw: string[];
}

function eventCase(random: Random): EventCase {
  const frames: HostileFrame[] = [];
  const ticks: number[] = [];
  const raw: string[] = [];
  for (let i = 0, count = 1 + Math.floor(random() * 8); i < count; i++) {
    const roll = random();
    if (roll < 0.15) {
      // Printable ASCII: never a mark.
      const text = word(random);
      frames.push(hostile.text(text));
      raw.push(text);
    } else if (roll < 0.25) {
      frames.push(hostile.envelope(word(random)));
    } else {
      const envelope = [pick(random, IDS), pick(random, TYPES), pick(random, TARGETS)];
      const length = pick(random, [2, 3, 4, 4, 4, 5]);
      while (envelope.length < length) envelope.push(pick(random, DATA));
      envelope.length = length;
      frames.push(hostile.envelope(envelope));
      const [id, type, target, data] = envelope;
      if (
        length === 4 &&
        validId(id) &&
        type === "e" &&
        target === "tick" &&
        typeof data === "number"
      )
        ticks.push(data);
    }
  }
  return { frames, ticks, raw };
}

/** Random frames of any opcode, flags and length: only the invariants are checked. */
function frameCase(random: Random): HostileFrame[] {
  return Array.from({ length: 1 + Math.floor(random() * 4) }, () => {
    const size = Math.floor(random() * 200);
    const frame: HostileFrame = {
      opcode: pick(random, [0, 1, 1, 2, 2, 3, 8, 9, 10, 11, 15]),
      base64: btoa(
        String.fromCharCode(...Array.from({ length: size }, () => Math.floor(random() * 256))),
      ),
      fin: random() < 0.8,
      rsv: random() < 0.9 ? 0 : Math.floor(random() * 8),
    };
    if (random() < 0.1) frame.announce = Math.floor(random() * 2 ** 40);
    return frame;
  });
}

/** A seeded fuzzer of what a server sends, for each protocol, checking the client's invariants. */
export function hostileFuzzCases(ctx: ClientSuiteContext): void {
  describe(`seeded fuzzer (seed ${SEED}, ${CASES} cases each)`, () => {
    it("recovery: delivers exactly the data after the welcome, opens only on a clean welcome", async () => {
      const random = prng(SEED);
      for (let n = 0; n < CASES; n++) {
        const fuzz = recoveryCase(random);
        await withHostile(ctx, { frames: fuzz.frames }, async (server) => {
          const { client, seen } = watched(ctx, { recover: true, connectTimeout: 300 });
          const what = `case ${n}: ${JSON.stringify(fuzz.frames.map((frame) => frame.text))}`;
          const connected = await settled(client.connect(server.url));
          if (fuzz.opens) expect(connected, what).toBe("resolved");
          else expect(["CONNECT_FAILED", "CONNECT_TIMEOUT"], what).toContain(connected);
          await within(300, () => seen.texts.length >= fuzz.must.length && seen.closes.length > 0);
          expect(seen.texts.slice(0, fuzz.must.length), what).toEqual(fuzz.must);
          expect(fuzz.may.slice(0, seen.texts.length), what).toEqual(seen.texts);
          await expectSound(client, seen);
        });
      }
    }, 60_000);

    it("typed events: every valid tick arrives, nothing invalid does, raw messages pass untouched", async (test: TestContext) => {
      const tick = (await import("zod").catch(() => undefined))?.z.number();
      if (!tick) return test.skip("zod is not installed (an optional peer of the suite)");
      const random = prng(SEED + 1);
      for (let n = 0; n < CASES; n++) {
        const fuzz = eventCase(random);
        await withHostile(
          ctx,
          { frames: [...fuzz.frames, hostile.envelope([1, "e", "end"])] },
          async (server) => {
            const { client, seen } = watched(ctx);
            const events = ctx.events(client, {
              maxInvalidPayloads: 0,
              schemas: { serverEvents: { tick } },
            });
            if (!events)
              return test.skip("this client package offers no typed events (createEvents)");
            const ticks: unknown[] = [];
            events.on("tick", (payload) => void ticks.push(payload));
            let ended = false;
            events.on("end", () => {
              ended = true;
            });
            await client.connect(server.url);
            const what = `case ${n}: ${JSON.stringify(fuzz.frames.map((frame) => frame.text))}`;
            expect(await within(2000, () => ended), what).toBe(true);
            expect(ticks, what).toEqual(fuzz.ticks);
            expect(seen.texts, what).toEqual(fuzz.raw);
            await expectSound(client, seen);
          },
        );
      }
    }, 60_000);

    it("frames: whatever the bytes, the client closes at most once and every promise settles", async () => {
      const random = prng(SEED + 2);
      for (let n = 0; n < CASES; n++) {
        const frames = frameCase(random);
        await withHostile(ctx, { frames }, async (server) => {
          // A connection that drops within maxDelay of opening is a failed attempt: at most two.
          const reconnect = { initialDelay: 10, maxDelay: 1000, maxRetries: 1 };
          const { client, seen } = watched(ctx, { reconnect });
          expect(["resolved", "CONNECT_FAILED", "RECONNECT_FAILED"]).toContain(
            await settled(client.connect(server.url)),
          );
          await within(100, () => seen.stops.length > 0);
          expect(seen.errors.map(codeOf).filter((code) => code.startsWith("untyped"))).toEqual([]);
          await expectSound(client, seen);
          expect(seen.closes.length).toBeLessThanOrEqual(2);
          expect((await server.state()).upgrades).toBeLessThanOrEqual(2);
        });
      }
    }, 60_000);
  });
}
