import { describe, expect, it } from "vitest";
import { parseChatArgs, UsageError } from "../src/args.js";
import { parseCliArgs } from "../src/cli-args.js";

describe("the server's flags", () => {
  it("default to ws on 127.0.0.1:8080 with a deployment's limits and no Redis", () => {
    expect(parseChatArgs([])).toEqual({
      backend: "ws",
      host: "127.0.0.1",
      port: 8080,
      maxMessageBytes: 16384,
      maxConnectionsPerIp: 32,
      maxMessagesPerSecond: 20,
      redis: undefined,
    });
  });

  it("take every option", () => {
    expect(
      parseChatArgs([
        "--backend=uws",
        "--port",
        "0",
        "--host",
        "::1",
        "--max-message-bytes",
        "16",
        "--max-connections-per-ip",
        "0",
        "--max-messages-per-second",
        "5",
        "--redis",
        "redis://127.0.0.1:6380",
      ]),
    ).toEqual({
      backend: "uws",
      host: "::1",
      port: 0,
      maxMessageBytes: 16,
      maxConnectionsPerIp: 0,
      maxMessagesPerSecond: 5,
      redis: "redis://127.0.0.1:6380",
    });
  });

  it.each([
    [["--bogus"], /Unknown option '--bogus'/],
    [["--port", "http"], /--port must be an integer/],
    [["--port", "70000"], /--port must be an integer/],
    [["--port=-1"], /--port must be an integer/],
    [["--port", "1e3"], /--port must be an integer/],
    [["--backend", "nope"], /unknown backend "nope"/],
    [["--host", ""], /--host must not be empty/],
    [["--max-message-bytes", "0"], /--max-message-bytes must be an integer/],
    [["--max-connections-per-ip", "many"], /--max-connections-per-ip must be an integer/],
    [["--max-messages-per-second", "1.5"], /--max-messages-per-second must be an integer/],
    [["--redis", "http://127.0.0.1:6379"], /--redis must be a redis:\/\/ or rediss:\/\/ URL/],
    [["--redis", "127.0.0.1:6379"], /--redis must be a redis:\/\/ or rediss:\/\/ URL/],
    [["--redis"], /argument missing/],
    [["extra"], /Unexpected argument 'extra'/],
  ])("refuse %j", (args, message) => {
    expect(() => parseChatArgs(args)).toThrow(UsageError);
    expect(() => parseChatArgs(args)).toThrow(message);
  });
});

describe("the terminal client's arguments", () => {
  it.each(["ws://127.0.0.1:8080/chat", "wss://chat.example/chat"])("take %s", (url) => {
    expect(parseCliArgs([url])).toEqual({ url });
  });

  it.each([
    [[], /missing the chat URL/],
    [["ws://a/chat", "ws://b/chat"], /expected one URL, got 2/],
    [["127.0.0.1:8080"], /not a URL: "127.0.0.1:8080"; e.g. ws:\/\/127.0.0.1:8080\/chat/],
    [["http://127.0.0.1:8080/chat"], /must start with ws:\/\/ or wss:\/\//],
    [["not a url"], /not a URL/],
  ])("refuse %j", (args, message) => {
    const parsed = parseCliArgs(args);
    expect("error" in parsed && parsed.error).toMatch(message);
  });
});
