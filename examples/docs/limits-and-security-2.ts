import { type Channel, type ErrorContext, SwitchboardError, WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";

export class FeedServer extends WebServer {
  override async onWsOpen(channel: Channel) {
    for (let i = 0; i < 1000 && channel.isOpen; i++) {
      // false: this channel has highWaterMark bytes queued; wait instead of growing memory.
      if (!channel.send(`item ${i}`)) await channel.drain();
    }
  }

  override onError(error: unknown, context: ErrorContext) {
    if (error instanceof SwitchboardError && error.code === "BUFFER_OVERFLOW") {
      // A send would have queued more than maxBufferedBytes: the channel was closed with 1008.
      console.warn(`slow reader ${context.channel?.id} dropped; ${this.stats.overflowed} so far`);
      return;
    }
    super.onError(error, context);
  }
}

export async function main(port = 8080): Promise<FeedServer> {
  const server = new FeedServer({ backend: wsBackend(), highWaterMark: 64 * 1024 });
  await server.listen({ port });
  return server;
}
