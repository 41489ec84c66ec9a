// Type-checked, not run: proves the published declarations resolve from a CommonJS TypeScript file.
import { type Channel, Opcode, WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";

export function start(): Promise<{ port: number; url: string }> {
  const server = new WebServer({
    backend: wsBackend(),
    onWsMessage(channel: Channel, text: string) {
      this.send(channel, text, Opcode.TEXT, true);
    },
  });
  return server.listen({ port: 0 });
}
