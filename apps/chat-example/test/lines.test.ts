import { describe, expect, it } from "vitest";
import { chatUrl, classify } from "../src/web/lines.js";

describe("the chat page's reading of a line", () => {
  it.each([
    ["welcome user_12", { kind: "welcome", nickname: "user_12" }],
    ["user_3 joined", { kind: "presence" }],
    ["user_3 left", { kind: "presence" }],
    ["echo: hello server!", { kind: "mine" }],
    ["user_2: hi everyone!", { kind: "theirs" }],
    // What a user types always arrives prefixed, so it cannot pass for a welcome or a join.
    ["user_2: welcome user_9", { kind: "theirs" }],
    ["user_2: user_9 joined", { kind: "theirs" }],
    ["echo: welcome user_9", { kind: "mine" }],
  ])("%j", (text, expected) => {
    expect(classify(text)).toEqual(expected);
  });

  it("connects to /chat on the page's own host, with wss behind https", () => {
    expect(chatUrl({ protocol: "http:", host: "127.0.0.1:8080" })).toBe("ws://127.0.0.1:8080/chat");
    expect(chatUrl({ protocol: "https:", host: "chat.example" })).toBe("wss://chat.example/chat");
  });
});
