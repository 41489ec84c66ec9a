import { Opcode, WebSocketClient } from "@switchboard/client-node";

export class ChatClient extends WebSocketClient {
  readonly received: string[] = [];

  override onOpen() {
    console.log("connected");
  }

  override onClose(code: number, reason: string) {
    console.log("disconnected", code, reason);
  }

  override onMessage(text: string) {
    this.received.push(text);
  }
}

// Or pass the callbacks as options: an option replaces the method of the same name.
export const logger = new WebSocketClient({
  onMessageFrame: (data, opcode) =>
    console.log(opcode === Opcode.BINARY ? "binary" : "text", data.byteLength),
  onError: (error) => console.warn(error),
});
