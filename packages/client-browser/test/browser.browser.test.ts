import { expect, it } from "vitest";
import { ClientError, Opcode, WebSocketClient } from "../src/index.js";

/** The tutorial's ChatClient, subclassed the same way. */
class ChatClient extends WebSocketClient {
  readonly received: string[] = [];

  override onMessage(text: string) {
    this.received.push(text);
  }
}

it("runs in a real browser with the native WebSocket", () => {
  expect(typeof WebSocket).toBe("function");
  expect(typeof (globalThis as { process?: unknown }).process).toBe("undefined");
  const client = new ChatClient({ maxUnreadMessages: 10 });
  expect(client.isConnected).toBe(false);
  expect(client.state).toBe("closed");
  expect(client.received).toEqual([]);
  expect(Opcode).toEqual({ TEXT: 1, BINARY: 2 });
  expect(() => client.send("x")).toThrow(ClientError);
});
