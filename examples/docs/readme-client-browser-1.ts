import { WebSocketClient } from "@switchboard/client-browser";

export async function main(url = "wss://chat.example/chat"): Promise<string[]> {
  const texts: string[] = [];
  const alice = new WebSocketClient();
  await alice.connect(url);
  texts.push((await alice.nextMessage()).text); // "welcome user_1"

  alice.send("hello server!");
  texts.push((await alice.nextMessage()).text); // "echo: hello server!"

  const bob = new WebSocketClient();
  await bob.connect(url);
  texts.push((await bob.nextMessage()).text); // "welcome user_2"
  texts.push((await alice.nextMessage()).text); // "user_2 joined"

  bob.send("hi everyone!");
  texts.push((await bob.nextMessage()).text); // "echo: hi everyone!"
  texts.push((await alice.nextMessage()).text); // "user_2: hi everyone!"

  await alice.close(); // resolves once the closing handshake is done
  texts.push((await bob.nextMessage()).text); // "user_1 left"
  await bob.close();
  return texts;
}
