import { WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";

interface Session {
  name: string;
  messages: number;
}

export async function main(port = 8080): Promise<WebServer<Session>> {
  const server = new WebServer<Session>({
    backend: wsBackend(),
    onWsUpgrade(request, admission) {
      const name = request.query.get("name");
      if (!name) return admission.reject(400, {}, "?name= is required");
      return admission.accept({ data: { name, messages: 0 } });
    },
    onWsOpen(channel, url) {
      channel.send(`hello ${channel.data.name}, you opened ${url}`);
    },
    onWsMessage(channel, text) {
      channel.data.messages++;
      channel.send(`${channel.data.name} #${channel.data.messages}: ${text}`);
    },
    onWsClose(channel, code) {
      console.log(`${channel.data.name} left with ${code}`);
    },
  });
  await server.listen({ port });
  return server;
}
