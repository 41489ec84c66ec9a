/**
 * The load speaks socket.io's wire protocol itself; this proves the bench's socket.io server is a
 * real one by talking to it with the official client, on the same events the load uses.
 */
import { io } from "socket.io-client";
import { afterAll, expect, it } from "vitest";
import { CONTENDERS } from "../src/contenders.js";
import { killAll, startServer } from "../src/proc.js";

afterAll(() => killAll());

it("the socket.io server echoes and broadcasts to socket.io-client", async () => {
  const contender = CONTENDERS.find((c) => c.id === "socketio")!;
  const server = await startServer(contender);
  const client = io(`http://127.0.0.1:${server.port}`, {
    transports: ["websocket"],
    reconnection: false,
  });
  try {
    const echoed = await new Promise<string>((resolve) => {
      client.once("echo", resolve);
      client.emit("echo", "0000000042xxxx");
    });
    expect(echoed).toBe("0000000042xxxx");
    const broadcast = await new Promise<string>((resolve) => {
      client.once("broadcast", resolve);
      client.emit("broadcast", "to everyone");
    });
    expect(broadcast).toBe("to everyone");
  } finally {
    client.close();
    await server.stop();
  }
});
