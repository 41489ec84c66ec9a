import { fileURLToPath } from "node:url";
import { WebSocketClient } from "@switchboard/client-node";

export async function main(url = "ws://127.0.0.1:8080/chat"): Promise<string[]> {
  const transcript: string[] = [];
  const read = async (client: WebSocketClient, name: string) => {
    const { text } = await client.nextMessage({ timeout: 5000 });
    transcript.push(`${name} got: ${text}`);
  };

  const alice = new WebSocketClient();
  await alice.connect(url);
  await read(alice, "alice"); // welcome user_1
  alice.send("hello server!");
  await read(alice, "alice"); // echo: hello server!

  const bob = new WebSocketClient();
  await bob.connect(url);
  await read(bob, "bob"); // welcome user_2
  await read(alice, "alice"); // user_2 joined

  bob.send("hi everyone!");
  await read(bob, "bob"); // echo: hi everyone!
  await read(alice, "alice"); // user_2: hi everyone!

  const clients = await fetch(new URL("/clients", url.replace(/^ws/, "http")));
  transcript.push(`GET /clients: ${await clients.text()}`); // 2

  await alice.close(); // resolves once the closing handshake is done
  await read(bob, "bob"); // user_1 left
  await bob.close();
  return transcript;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log((await main()).join("\n"));
