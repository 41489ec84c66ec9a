import { WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";

export async function main(port = 8080): Promise<WebServer> {
  const server = new WebServer({
    backend: wsBackend(),
    onInit() {
      this.get("/", () => "the HTTP side of the same port");
    },
    onWsUpgrade(request, admission) {
      if (request.path !== "/_ws") return admission.reject(404);
      return admission.accept();
    },
    onWsOpen(channel) {
      channel.send("welcome");
      this.subscribe(channel, "chat");
    },
    onWsMessage(channel, text) {
      this.publish("chat", text, { exclude: channel }); // peer.publish: not back to the sender
    },
    onWsClose(channel, code, reason) {
      console.log(`channel ${channel.id} closed: ${code} ${reason}`);
    },
  });
  await server.listen({ port });
  return server;
}
