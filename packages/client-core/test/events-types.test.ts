import { describe, expectTypeOf, it } from "vitest";
import { EventClient, type WebSocketClientBase } from "../src/index.js";

interface Chat {
  clientEvents: { message: string; typing: boolean };
  serverEvents: { message: { from: string; text: string }; online: number };
  clientRequests: { clients(): string[]; add(numbers: { a: number; b: number }): number };
  serverRequests: { confirm(question: string): boolean };
}

declare const client: WebSocketClientBase;

// Never run: these prove what compiles (tsc checks test files in `pnpm lint`).
async function typeOnly() {
  const chat = new EventClient<Chat>(client);
  chat.emit("message", "hi");
  // @ts-expect-error a wrong payload does not compile
  chat.emit("message", 1);
  // @ts-expect-error nor an event the client does not emit
  chat.emit("online", 1);
  chat.on("message", (line) => expectTypeOf(line).toEqualTypeOf<{ from: string; text: string }>());
  // @ts-expect-error a listener for an event the server does not emit
  chat.on("typing", () => {});
  expectTypeOf(await chat.request("clients")).toEqualTypeOf<string[]>();
  expectTypeOf(
    await chat.request("add", { a: 1, b: 2 }, { timeoutMs: 100 }),
  ).toEqualTypeOf<number>();
  // @ts-expect-error a wrong request payload
  await chat.request("add", { a: 1 });
  chat.handle("confirm", (question) => question.length > 0);
  // @ts-expect-error an answer of the wrong type
  chat.handle("confirm", () => "yes");
  expectTypeOf(await chat.next("online")).toEqualTypeOf<number>();
  for await (const count of chat.stream("online")) expectTypeOf(count).toEqualTypeOf<number>();
}

describe("typed events in the client, at compile time", () => {
  it("takes names and payloads from one spec (see the @ts-expect-error lines)", () => {
    expectTypeOf(typeOnly).toBeFunction();
  });
});
