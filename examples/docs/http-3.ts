import { WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";

export class ClockServer extends WebServer {
  override onInit() {
    this.get("/ticks", (_req, res) => {
      const stream = res.sse({ keepAliveMs: 15_000 });
      let n = 0;
      const timer = setInterval(() => {
        stream.send({ event: "tick", id: ++n, data: { n } });
        if (n === 3) stream.close();
      }, 50);
      stream.onClose(() => clearInterval(timer)); // the client left, or close() was called
    });
  }
}

export async function main(port = 8080): Promise<ClockServer> {
  const server = new ClockServer({ backend: wsBackend() });
  await server.listen({ port });
  return server;
}
