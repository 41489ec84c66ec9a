import { type ErrorContext, SwitchboardError, WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";

export async function main(port = 8080) {
  const reported: string[] = [];
  const server = new WebServer({
    backend: wsBackend(),
    onWsMessage(channel, text) {
      if (text === "boom") throw new Error("handler failed"); // goes to onError
      channel.send(`ok: ${text}`);
    },
    onError(error: unknown, context: ErrorContext) {
      const code = error instanceof SwitchboardError ? error.code : "unexpected";
      reported.push(`${context.source} ${code} channel ${context.channel?.id}`);
      console.error(`[${context.source}]`, error);
    },
  });
  await server.listen({ port });
  return { server, reported };
}
