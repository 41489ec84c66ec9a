import { type Channel, WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";

async function loadProfile(id: number): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 100)); // a database, say
  return `profile-${id}`;
}

export class ProfileServer extends WebServer<{ profile: string }> {
  override async onWsOpen(channel: Channel<{ profile: string }>) {
    channel.data = { profile: await loadProfile(channel.id) };
  }

  // Waits for onWsOpen's promise: the profile is always loaded here, even for a message that
  // arrived while it was loading.
  override onWsMessage(channel: Channel<{ profile: string }>, text: string) {
    channel.send(`${channel.data.profile}: ${text}`);
  }
}

export async function main(port = 8080): Promise<ProfileServer> {
  const server = new ProfileServer({ backend: wsBackend() });
  await server.listen({ port });
  return server;
}
