/**
 * The load's side of `switchboard.recovery.v1` (docs/recovery.md), written from the wire format
 * alone as a third-party client would: offer the token, say hello for a new session, wait for
 * the welcome, then count the server's data messages and acknowledge them every 128 or 50 ms
 * after the first unacknowledged one. Control messages (TEXT starting with U+001F) are never
 * handed on as data. It never resumes — a drop in a bench run is a failure, not a reconnect —
 * so it keeps nothing for a resend, and its own data messages (digits) never need escaping.
 */
import type { SessionHandlers } from "./dialect.js";
import { connectWebSocket, type WsConnection } from "./ws-client.js";

export const RECOVERY_PROTOCOL = "switchboard.recovery.v1";
const MARK = 0x1f;
const ACK_EVERY = 128;
const ACK_DELAY_MS = 50;
const HELLO = `\x1f${JSON.stringify(["hello", null, 0])}`;

/** Opens a recovering connection to `path`; resolves once the server's welcome came. */
export function openRecoverySession(
  port: number,
  path: string,
  handlers: SessionHandlers,
  timeoutMs = 10_000,
): Promise<WsConnection> {
  return new Promise((resolve, reject) => {
    let connection: WsConnection | undefined;
    let welcomed = false;
    /** Server data messages received, and the last count acknowledged. */
    let received = 0;
    let acked = 0;
    /** The client's data messages the server says it got: never goes back. */
    let serverGot = 0;
    let ackTimer: ReturnType<typeof setTimeout> | undefined;
    const handshake = setTimeout(() => {
      connection?.socket.destroy();
      reject(new Error(`no recovery welcome within ${timeoutMs} ms`));
    }, timeoutMs);

    const ack = () => {
      clearTimeout(ackTimer);
      ackTimer = undefined;
      if (received === acked || !connection || connection.socket.destroyed) return;
      acked = received;
      connection.sendText(`\x1f["ack",${received}]`);
    };

    const control = (payload: Buffer, conn: WsConnection) => {
      let value: unknown;
      try {
        value = JSON.parse(payload.toString("utf8", 1));
      } catch {
        value = undefined;
      }
      const [type, a, b, c] = Array.isArray(value) ? value : [];
      const count = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
      if (!welcomed && type === "welcome" && typeof a === "string" && b === false && c === 0) {
        welcomed = true;
        clearTimeout(handshake);
        resolve(conn);
      } else if (welcomed && type === "ack" && count(a) && a >= serverGot) {
        serverGot = a;
      } else {
        conn.violations++;
      }
    };

    connectWebSocket(
      port,
      path,
      {
        message(payload, conn, binary) {
          if (!binary && payload[0] === MARK) {
            // One more U+001F in front is escaped data; otherwise a control message.
            if (payload[1] !== MARK) return control(payload, conn);
            payload = payload.subarray(1);
          }
          if (!welcomed) {
            conn.violations++;
            return;
          }
          received++;
          handlers.message(payload);
        },
        afterData() {
          handlers.afterData?.();
          if (received - acked >= ACK_EVERY) ack();
          else if (received > acked) ackTimer ??= setTimeout(ack, ACK_DELAY_MS);
        },
        closed() {
          clearTimeout(ackTimer);
          if (!welcomed) {
            clearTimeout(handshake);
            reject(new Error("closed before the recovery welcome"));
          }
          handlers.closed();
        },
      },
      timeoutMs,
      RECOVERY_PROTOCOL,
    ).then((conn) => {
      connection = conn;
      conn.sendText(HELLO);
    }, reject);
  });
}
