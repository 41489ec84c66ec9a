import { type PerMessageDeflateOptions, WebServer } from "@switchboard/core";
import { describe, expect } from "vitest";
import { TestClient } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";
import { RawSocket } from "../support/raw-socket.js";

/** What a client that offers everything (as browsers and ws do) is asked to use. */
const OFFER = "permessage-deflate; client_max_window_bits";

/** The parameters of the permessage-deflate the server answered with, sorted; null for none. */
function negotiated(head: string): string[] | null {
  const line = head
    .split("\r\n")
    .find((header) => header.toLowerCase().startsWith("sec-websocket-extensions:"));
  if (!line) return null;
  const [name, ...params] = line
    .slice(line.indexOf(":") + 1)
    .split(";")
    .map((part) =>
      part
        .trim()
        .toLowerCase()
        .replace(/\s*=\s*/, "="),
    );
  expect(name).toBe("permessage-deflate");
  return params.filter((param) => param !== "").sort();
}

class Echo extends WebServer {
  override onWsMessage(channel: import("@switchboard/core").Channel, text: string) {
    channel.send(text);
  }
}

/** permessage-deflate tuning: the same negotiation on every engine, or a clear refusal. */
export function deflateCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("permessage-deflate tuning", () => {
    const rows: [string, boolean | PerMessageDeflateOptions, string[]][] = [
      ["true", true, ["client_no_context_takeover", "server_no_context_takeover"]],
      [
        "clientNoContextTakeover: false",
        { clientNoContextTakeover: false },
        ["server_no_context_takeover"],
      ],
      ['compressor "dedicated"', { compressor: "dedicated" }, []],
      [
        'compressor "dedicated" with a 4 KiB window (12 bits, memLevel 5)',
        { compressor: "dedicated", serverMaxWindowBits: 12, memLevel: 5 },
        ["server_max_window_bits=12"],
      ],
      [
        "a 1 KiB client window",
        { clientNoContextTakeover: false, clientMaxWindowBits: 10 },
        ["client_max_window_bits=10", "server_no_context_takeover"],
      ],
    ];
    for (const [name, perMessageDeflate, params] of rows) {
      it(`negotiates ${name} as asked, or refuses it at listen() with INVALID_OPTION`, async () => {
        let running: Awaited<ReturnType<typeof ctx.start<Echo>>>;
        try {
          running = await ctx.start((backend) => new Echo({ backend, perMessageDeflate }));
        } catch (error) {
          // An engine without this setting says so, naming it: never a silent approximation.
          expect(error).toMatchObject({ code: "INVALID_OPTION" });
          expect(String((error as Error).message)).toMatch(
            /perMessageDeflate\.\w+ is not supported on/,
          );
          return;
        }
        const raw = await RawSocket.open(running.address.port, "/", {
          "sec-websocket-extensions": OFFER,
        });
        expect(negotiated(raw.head)).toEqual(params);
        raw.destroy();
        const client = await TestClient.connect(running.wsUrl("/"));
        const text = "squeeze me ".repeat(500);
        client.send(text);
        expect(await client.nextText()).toBe(text);
        await client.close();
      });
    }

    it("sends messages under the threshold uncompressed and those at or over it compressed", async () => {
      const { address } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            perMessageDeflate: { threshold: 256 },
            onWsOpen(channel) {
              channel.send("a".repeat(255));
              channel.send("b".repeat(256));
              channel.send(new Uint8Array(300));
            },
          }),
      );
      const raw = await RawSocket.open(address.port, "/", { "sec-websocket-extensions": OFFER });
      await raw.waitFor(() => raw.frames().length >= 3, 5000);
      expect(raw.frames().map((frame) => frame.compressed)).toEqual([false, true, true]);
      raw.destroy();
    });

    it.each(
      [
        [{ threshold: -1 }, /perMessageDeflate\.threshold/],
        [{ compressor: "huge" }, /perMessageDeflate\.compressor/],
        [{ serverMaxWindowBits: 8 }, /perMessageDeflate\.serverMaxWindowBits/],
        [{ clientMaxWindowBits: 16 }, /perMessageDeflate\.clientMaxWindowBits/],
        [{ memLevel: 0 }, /perMessageDeflate\.memLevel/],
        [{ windowBits: 12 }, /perMessageDeflate\.windowBits/],
        [{ compressor: "shared", serverNoContextTakeover: false }, /serverNoContextTakeover/],
        [{ clientNoContextTakeover: "yes" }, /clientNoContextTakeover/],
      ] as const,
      ([options]) => `rejects perMessageDeflate ${JSON.stringify(options)} with a clear error`,
      ([options, message]) => {
        expect(
          () => new WebServer({ backend: ctx.backend(), perMessageDeflate: options as never }),
        ).toThrow(message);
      },
    );
  });
}
