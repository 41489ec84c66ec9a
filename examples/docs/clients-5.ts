import { defaultShouldReconnect, WebSocketClient } from "@switchboard/client-node";

/** Stays connected unless the server says not to come back; then tells `onGone` why. */
export function stayConnected(onGone: (why: string) => void): WebSocketClient {
  return new WebSocketClient({
    reconnect: {
      initialDelay: 100,
      maxDelay: 2000,
      // Ten failed attempts in a row and it gives up with RECONNECT_FAILED.
      maxRetries: 10,
      // This app's servers close with 4000 when they hand a client over: worth a retry.
      shouldReconnect: (info) => info.code === 4000 || defaultShouldReconnect(info),
    },
    onClose: (code, reason, reconnecting) =>
      console.log(`closed: ${code} ${reason}`, reconnecting ? "(retrying)" : "(stopping)"),
    // The client closed by itself: CLOSED_BY_SERVER, UPGRADE_REFUSED or RECONNECT_FAILED.
    onStop: (error) => onGone(error.message),
  });
}
