import { WebSocketClient } from "@switchboard/client-browser";

export async function main(url = "wss://chat.example/chat"): Promise<string[]> {
  const client = new WebSocketClient({ reconnect: true });
  // A URL function is asked again before every attempt: a fresh token each time.
  await client.connect(() => `${url}?token=${encodeURIComponent(freshToken())}`);
  client.send("hello from the browser");
  const seen: string[] = [];
  for await (const message of client) {
    seen.push(message.text);
    if (message.text.startsWith("echo:")) break;
  }
  await client.close();
  return seen;
}

function freshToken(): string {
  return `t${Date.now()}`;
}
