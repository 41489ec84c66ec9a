import { EventClient, WebSocketClient } from "@switchboard/client-node";
import { type ChatEvents, schemas } from "./events-1.js";

export async function main(url = "ws://127.0.0.1:8080/chat") {
  const client = new WebSocketClient();
  const chat = new EventClient<ChatEvents>(client, { schemas });
  const lines: string[] = [];
  chat.on("message", ({ from, text }) => lines.push(`${from}: ${text}`));

  await client.connect(url);
  lines.push(`online: ${await chat.next("online", { timeout: 5000 })}`);
  chat.emit("message", "hello");
  lines.push(
    `clients: ${(await chat.request("clients", undefined, { timeoutMs: 5000 })).join(", ")}`,
  );
  await client.close();
  return lines;
}
