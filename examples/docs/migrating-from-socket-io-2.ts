import { WebSocketClient } from "@switchboard/client-node";

export async function join(url: string, room: string): Promise<WebSocketClient> {
  // socket.io-client reconnects by default; here it is one option.
  const socket = new WebSocketClient({ reconnect: true });
  await socket.connect(url);
  socket.send(JSON.stringify({ event: "join", room }));
  return socket;
}

export function chat(socket: WebSocketClient, room: string, text: string): void {
  socket.send(JSON.stringify({ event: "chat", room, text }));
}

export async function nextChat(socket: WebSocketClient): Promise<string> {
  const { text } = await socket.nextMessage({ timeout: 5000 });
  return (JSON.parse(text) as { text: string }).text;
}
