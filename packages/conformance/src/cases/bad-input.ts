import { type Channel, type Opcode, WebServer } from "@switchboard/core";
import { describe, expect, it, type TestContext } from "vitest";
import { TestClient } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";
import { frame } from "../support/frames.js";
import { rawExchange, statusOf, upgradeRequest } from "../support/raw.js";
import { RawSocket } from "../support/raw-socket.js";
import { BAD_INPUTS } from "./bad-input-corpus.js";

/** Relays every message to everyone else, so anything that gets through is seen. */
class Relay extends WebServer {
  readonly delivered: string[] = [];

  override onWsMessageFrame(channel: Channel, data: Uint8Array, opcode: Opcode) {
    this.delivered.push(Buffer.from(data).toString("latin1"));
    this.broadcast(data, { exclude: channel, opcode });
  }
}

/** What a server must survive: malformed frames and requests from strangers (Autobahn categories). */
export function badInputCases(ctx: SuiteContext): void {
  describe("bad input corpus", () => {
    const start = () =>
      ctx.start((backend) => new Relay({ backend, maxMessageBytes: 64 * 1024, onError: () => {} }));

    const limitations = ctx.backend().limitations ?? {};
    it.for(BAD_INPUTS.map((input) => [`${input.category}: ${input.name}`, input] as const))(
      "%s: the connection ends, nothing is delivered, others are undisturbed",
      async ([, input], test: TestContext) => {
        const reason = limitations[input.name];
        if (reason) return test.skip(`${ctx.backend().name}: ${reason}`);
        const { server, address, wsUrl } = await start();
        const observer = await TestClient.connect(wsUrl("/"));
        const raw = await RawSocket.open(address.port);
        raw.write(input.bytes);
        const outcome = await raw.outcome();
        expect(outcome.ended).toBe(true);
        // ws answers with 1002/1007/1009; uWS answers a bad close frame with an empty one (1005).
        if (outcome.closeCode !== undefined)
          expect([1002, 1005, 1007, 1009]).toContain(outcome.closeCode);
        // The server still serves a fresh client, and nobody saw the bad input.
        const fresh = await TestClient.connect(wsUrl("/"));
        fresh.send("fresh");
        expect(await observer.nextText()).toBe("fresh");
        expect(server.delivered).toEqual(["fresh"]);
        expect(observer.pending).toBe(0);
        await Promise.all([observer.close(), fresh.close()]);
      },
    );

    it("the corpus holds at least 40 cases", () => {
      expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(40);
    });

    it("accepts valid but unusual traffic: a 125-byte ping, pings inside a fragmented message, empty fragments", async () => {
      const { server, address, wsUrl } = await start();
      const observer = await TestClient.connect(wsUrl("/"));
      const raw = await RawSocket.open(address.port);
      raw.write(frame({ opcode: 9, payload: "p".repeat(125) }));
      raw.write(frame({ opcode: 1, payload: "frag", fin: false }));
      raw.write(frame({ opcode: 9, payload: "in between" }));
      raw.write(frame({ opcode: 0, payload: "", fin: false }));
      raw.write(frame({ opcode: 0, payload: "mented" }));
      expect(await observer.nextText()).toBe("fragmented");
      expect(server.delivered).toEqual(["fragmented"]);
      raw.destroy();
      await observer.close();
    });

    it("a TCP drop in the middle of a frame closes only that connection", async () => {
      const { server, address, wsUrl } = await start();
      const observer = await TestClient.connect(wsUrl("/"));
      const raw = await RawSocket.open(address.port);
      raw.write(frame({ opcode: 2, payload: "x".repeat(1000) }).subarray(0, 500));
      await new Promise((r) => setTimeout(r, 50));
      raw.destroy();
      const fresh = await TestClient.connect(wsUrl("/"));
      fresh.send("after the drop");
      expect(await observer.nextText()).toBe("after the drop");
      expect(server.delivered).toEqual(["after the drop"]);
      await Promise.all([observer.close(), fresh.close()]);
    });

    it("completes a handshake dribbled one byte at a time", async () => {
      const { address } = await start();
      const { connect } = await import("node:net");
      const socket = connect(address.port, "127.0.0.1");
      const request = Buffer.from(upgradeRequest("/"));
      let answer = "";
      socket.on("data", (chunk) => {
        answer += chunk.toString("latin1");
      });
      await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
      for (const byte of request) {
        socket.write(Buffer.from([byte]));
        await new Promise((r) => setTimeout(r, 1));
      }
      const deadline = Date.now() + 3000;
      while (!answer.includes("\r\n\r\n") && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 5));
      socket.destroy();
      expect(statusOf(answer)).toBe(101);
    });

    it.each([
      ["a garbage request line", "GARBAGE\r\n\r\n"],
      ["binary junk", Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 13, 10, 13, 10])],
      ["an unknown HTTP version", "GET / HTTP/9.9\r\nhost: x\r\n\r\n"],
      ["a header without a colon", "GET / HTTP/1.1\r\nhost x\r\n\r\n"],
    ])(
      "answers %s with a 4xx or a closed connection, and keeps serving",
      async (_name, payload) => {
        const { wsUrl, address } = await start();
        const answer = await rawExchange(address.port, payload, 2000);
        const status = statusOf(answer);
        // 505 (HTTP Version Not Supported) is a refusal too: what uWebSockets.js 20.57 answers
        // to a request line it cannot read a version from.
        const refused = status === 0 || (status >= 400 && status < 500) || status === 505;
        expect(refused, `answered ${status}`).toBe(true);
        const fresh = await TestClient.connect(wsUrl("/"));
        await fresh.close();
      },
    );
  });
}
