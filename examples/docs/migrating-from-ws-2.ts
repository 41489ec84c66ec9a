import { WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";

const tokens = new Map([["secret-1", "ada"]]);

export async function main(port = 8080): Promise<WebServer<{ user: string }>> {
  const server = new WebServer<{ user: string }>({
    backend: wsBackend(),
    // ws's verifyClient / handleUpgrade: decide now or later; no answer in 10 s → 408.
    async onWsUpgrade(request, admission) {
      const user = tokens.get(request.headers["authorization"]?.replace(/^Bearer /, "") ?? "");
      if (!user) return admission.reject(401);
      return admission.accept({ data: { user } });
    },
    onWsOpen(channel) {
      channel.send(`hello ${channel.data.user}`);
    },
  });
  await server.listen({ port });
  return server;
}
