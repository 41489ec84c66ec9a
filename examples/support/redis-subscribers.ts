// What the scale-out sample's test asks a real redis-server, over a raw connection.
import { connect } from "node:net";

/** How many connections subscribe `channel` (PUBSUB NUMSUB, over a raw connection). */
export function subscriberCount(url: string, channel: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let reply = "";
    socket.on("data", (chunk) => {
      reply += chunk;
      const match = /:(\d+)\r\n$/.exec(reply);
      if (match) {
        socket.end();
        resolve(Number(match[1]));
      }
    });
    socket.once("error", reject);
    socket.write(`PUBSUB NUMSUB ${channel}\r\n`);
  });
}
