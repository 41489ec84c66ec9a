import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import {
  type Channel,
  type EventChannel,
  EventHub,
  type EventSchemas,
  type WebServer,
} from "../src/index.js";

/** One application's events, declared once as a user would, for server and client code. */
interface Chat {
  clientEvents: { message: string; typing: boolean; leave: undefined };
  serverEvents: { message: { from: string; text: string }; online: number };
  clientRequests: { clients(): string[]; add(numbers: { a: number; b: number }): number };
  serverRequests: { confirm(question: string): boolean };
}

declare const server: WebServer<{ name: string }>;
declare const channel: Channel<{ name: string }>;

// Never run: these prove what compiles (tsc checks test files in `pnpm lint`).
function typeOnly() {
  const hub = new EventHub<Chat, { name: string }>(server);

  hub.on("message", (peer, text) => {
    expectTypeOf(text).toEqualTypeOf<string>();
    expectTypeOf(peer).toEqualTypeOf<EventChannel<Chat, { name: string }>>();
    expectTypeOf(peer.data.name).toEqualTypeOf<string>();
    peer.emit("message", { from: peer.data.name, text });
    // @ts-expect-error a wrong payload does not compile
    peer.emit("message", { from: 1, text });
    // @ts-expect-error nor does an event the spec does not declare
    peer.emit("nope", 1);
    // @ts-expect-error nor a missing payload
    peer.emit("online");
  });
  hub.on("leave", (_peer, payload) => expectTypeOf(payload).toEqualTypeOf<undefined>());
  // @ts-expect-error a handler for an event the client does not emit
  hub.on("online", () => {});
  // @ts-expect-error a handler that expects the wrong payload
  hub.on("typing", (_peer, typing: string) => typing);

  hub.handle("clients", () => ["a", "b"]);
  hub.handle("add", async (_peer, { a, b }) => a + b);
  // @ts-expect-error a handler returning the wrong response
  hub.handle("add", () => "three");

  hub.broadcast("online", 3);
  hub.broadcast("online", 3, { exclude: channel });
  // @ts-expect-error a wrong broadcast payload
  hub.broadcast("online", "3");
  hub.publish("room", "message", { from: "a", text: "b" });

  const peer = hub.of(channel)!;
  expectTypeOf(peer.request("confirm", "sure?", { timeoutMs: 100 })).toEqualTypeOf<
    Promise<boolean>
  >();
  // @ts-expect-error a wrong request payload
  void peer.request("confirm", 42);

  const schemas: EventSchemas<Chat> = {
    clientEvents: { message: z.string().max(500), typing: z.boolean() },
    clientRequests: { add: { payload: z.object({ a: z.number(), b: z.number() }) } },
    serverEvents: { online: z.number() },
  };
  const wrong: EventSchemas<Chat> = {
    // @ts-expect-error a schema whose output is not the declared payload
    clientEvents: { message: z.number() },
  };
  return [schemas, wrong];
}

describe("typed events, at compile time", () => {
  it("declares handlers and payloads from one spec (see the @ts-expect-error lines)", () => {
    expectTypeOf(typeOnly).toBeFunction();
  });
});
