import type { TestClient } from "./client.js";

/** Stops or resumes reading on a test client's TCP socket, to play a slow reader. */
export function setReading(client: TestClient, reading: boolean): void {
  const socket = (client.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  if (reading) socket.resume();
  else socket.pause();
}
