/**
 * HTTP `GET /ping` over keep-alive connections, one request outstanding on each (like wrk), on raw
 * TCP sockets: a request is a constant buffer and a response is checked for status 200 and body
 * "pong" without building header objects.
 */
import net from "node:net";
import { inBatches, waitUntil } from "./settle.js";
import { emptyChecks, type LoadResult, type LoadRun, type LoadTask } from "./types.js";
import { LOOPBACK } from "./ws-client.js";

interface Client {
  socket: net.Socket;
  sent: number;
  received: number;
  buffered: Buffer | undefined;
  open: boolean;
}

const BODY = "pong";

export async function startHttp(task: LoadTask): Promise<LoadRun> {
  const checks = emptyChecks();
  const request = Buffer.from(
    `GET /ping HTTP/1.1\r\nHost: ${LOOPBACK}:${task.port}\r\n\r\n`,
    "latin1",
  );
  let running = true;
  let totalSent = 0;
  let firstError: string | undefined;

  const send = (client: Client) => {
    if (!running || totalSent >= task.maxOps) return;
    totalSent++;
    client.sent++;
    client.socket.write(request);
  };

  const onData = (client: Client, chunk: Buffer) => {
    let data = client.buffered ? Buffer.concat([client.buffered, chunk]) : chunk;
    client.buffered = undefined;
    for (;;) {
      const end = data.indexOf("\r\n\r\n");
      if (end === -1) break;
      const head = data.toString("latin1", 0, end).toLowerCase();
      const lengthAt = head.indexOf("content-length:");
      const length = lengthAt === -1 ? -1 : Number.parseInt(head.slice(lengthAt + 15), 10);
      if (length < 0) {
        checks.wrong++;
        firstError ??= `http: response without content-length: ${head.slice(0, 200)}`;
        client.socket.destroy();
        return;
      }
      if (data.length < end + 4 + length) break;
      const body = data.toString("latin1", end + 4, end + 4 + length);
      if (!head.startsWith("http/1.1 200") || body !== BODY) {
        checks.wrong++;
        firstError ??= `http: unexpected response ${head.slice(0, 40)} body ${JSON.stringify(body)}`;
      }
      client.received++;
      checks.ops++;
      data = data.subarray(end + 4 + length);
      send(client);
    }
    if (data.length > 0) client.buffered = Buffer.from(data);
  };

  const clients = await inBatches(task.connections, 50, async () => {
    const socket = net.connect({ host: LOOPBACK, port: task.port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const client: Client = { socket, sent: 0, received: 0, buffered: undefined, open: true };
    socket.on("data", (chunk: Buffer) => onData(client, chunk));
    socket.on("error", () => {});
    socket.on("close", () => {
      client.open = false;
      if (running) checks.failures++;
    });
    return client;
  });

  for (const client of clients) send(client);
  const stopTimer = setTimeout(() => {
    running = false;
  }, task.maxMs);

  return {
    mark: () => checks.ops,
    async stop(): Promise<LoadResult> {
      running = false;
      clearTimeout(stopTimer);
      await waitUntil(() => clients.every((c) => !c.open || c.received >= c.sent), 5000);
      for (const client of clients) {
        checks.lost += client.sent - client.received;
        client.socket.destroy();
      }
      return firstError ? { checks, firstError } : { checks };
    },
  };
}
