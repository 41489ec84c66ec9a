import { WebSocketClient } from "@switchboard/client-node";
import { type Channel, WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";

/** Every client gets the ticks; one that drops for a moment gets the ones it missed. */
export class TickServer extends WebServer {
  override onWsOpen(channel: Channel) {
    this.subscribe(channel, "ticks");
  }
  override onWsRecover(channel: Channel) {
    // The same channel as before the drop: same id, data and topics. onWsOpen did not run.
    console.log(`channel ${channel.id} is back`);
  }
  override onWsClose(channel: Channel) {
    // After a drop, this runs only once the window passed without the client.
    console.log(`channel ${channel.id} is gone`);
  }
}

export async function main(port = 8080): Promise<TickServer> {
  const server = new TickServer({ backend: wsBackend(), recovery: { windowMs: 30_000 } });
  await server.listen({ port });
  return server;
}

/** A client that resumes its session after a drop, and says whether it missed anything. */
export async function ticker(
  url: string,
  onTick: (tick: string) => void,
): Promise<WebSocketClient> {
  const client: WebSocketClient = new WebSocketClient({
    reconnect: true,
    recover: true,
    onOpen: () => console.log(client.recovered ? "resumed: nothing missed" : "new session"),
    onMessage: onTick,
  });
  await client.connect(url);
  return client;
}
