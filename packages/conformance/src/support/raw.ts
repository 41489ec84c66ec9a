import { connect, type Socket } from "node:net";

/** Sends raw bytes on a fresh TCP connection and returns everything the server answered. */
export function rawExchange(
  port: number,
  payload: string | Uint8Array,
  timeoutMs = 3000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(Buffer.concat(chunks).toString("latin1"));
    }, timeoutMs);
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", (error) => {
      clearTimeout(timer);
      if (chunks.length > 0) resolve(Buffer.concat(chunks).toString("latin1"));
      else reject(error);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString("latin1"));
    });
    socket.write(payload);
  });
}

/** The status code of a raw HTTP answer, or 0 when there was none. */
export function statusOf(answer: string): number {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(answer);
  return match ? Number(match[1]) : 0;
}

/** A syntactically valid upgrade request, with header overrides (null removes one). */
export function upgradeRequest(
  path: string,
  overrides: Record<string, string | null> = {},
  method = "GET",
): string {
  const headers: Record<string, string | null> = {
    host: "127.0.0.1",
    connection: "Upgrade",
    upgrade: "websocket",
    "sec-websocket-version": "13",
    "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
    ...overrides,
  };
  const lines = Object.entries(headers)
    .filter(([, value]) => value !== null)
    .map(([name, value]) => `${name}: ${value}`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`;
}

/** What a raw HTTP exchange produced, and whether the server ended the connection. */
export interface RawOutcome {
  /** Everything the server sent, as latin1 text. */
  text: string;
  /** The status code of the answer, or 0 when there was none. */
  status: number;
  /** True when the server closed the connection (rather than the wait running out). */
  closedByServer: boolean;
}

/**
 * Sends raw bytes (all at once, or step by step with pauses) and waits up to `timeoutMs` for the
 * server to close the connection. For requests `fetch` would normalise or refuse to send.
 */
export function rawRequest(
  port: number,
  payload: string | Uint8Array | readonly (string | Uint8Array)[],
  timeoutMs = 3000,
): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const finish = (closedByServer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString("latin1");
      resolve({ text, status: statusOf(text), closedByServer });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", () => finish(true));
    socket.on("close", () => finish(true));
    const parts =
      typeof payload === "string" || payload instanceof Uint8Array ? [payload] : payload;
    for (const part of parts) socket.write(part);
  });
}

/** The body of a raw HTTP answer (everything after the head). */
export function bodyOf(answer: string): string {
  const end = answer.indexOf("\r\n\r\n");
  return end === -1 ? "" : answer.slice(end + 4);
}
