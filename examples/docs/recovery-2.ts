import { type Channel, RECOVERED_ELSEWHERE, WebServer } from "@switchboard/core";
import { redisPubSub } from "@switchboard/pubsub-redis";
import { wsBackend } from "@switchboard/server-ws";

interface Player {
  name: string;
}

/** Run it as many times as you like: a client resumes on whichever process it reaches. */
export async function main(port = 8080, url = "redis://127.0.0.1:6379") {
  const server = new WebServer<Player>({
    backend: wsBackend(),
    pubsub: redisPubSub({ url }),
    recovery: true,
    onWsOpen(channel: Channel<Player>, path: string) {
      channel.data = { name: path.slice(1) || "anonymous" };
      this.subscribe(channel, "ticks");
    },
    onWsRecover(channel: Channel<Player>) {
      // Maybe on another process than onWsOpen: data and topics came along.
      console.log(`${channel.data.name} resumed here, on ${[...this.topicsOf(channel)]}`);
    },
    onWsClose(channel: Channel<Player>, _code: number, reason: string) {
      // The session went on in another process: free what this one holds, announce nothing.
      if (reason === RECOVERED_ELSEWHERE) return;
      this.publish("ticks", `${channel.data.name} left`);
    },
  });
  await server.listen({ port });
  return server;
}
