import { type Channel, WebServer } from "@switchboard/core";
import { redisCounter, redisPubSub } from "@switchboard/pubsub-redis";
import { wsBackend } from "@switchboard/server-ws";

interface User {
  name: string;
}

export async function main(port = 8080, url = "redis://127.0.0.1:6379") {
  const users = redisCounter(url, "chat:users"); // numbers unique across processes
  const server = new WebServer<User>({
    backend: wsBackend(),
    pubsub: redisPubSub({ url }),
    async onWsUpgrade(request, admission) {
      // While Redis is down next() rejects: the upgrade is then refused with 500.
      admission.accept({
        protocol: request.protocols[0],
        data: { name: `user_${await users.next()}` },
      });
    },
    onWsOpen(channel: Channel<User>, path: string) {
      this.subscribe(channel, path.slice("/room/".length) || "lobby");
    },
    onWsMessage(channel: Channel<User>, text: string) {
      for (const room of this.topicsOf(channel))
        this.publish(room, `${channel.data.name}: ${text}`);
    },
  });
  await server.listen({ port }); // rejects if Redis is unreachable
  const stop = async () => {
    await server.close(); // also closes the adapter's Redis connections
    await users.close();
  };
  return { server, stop };
}
