/** What the chat clients read of a client error (the same in the Node and browser clients). */
export interface StopError {
  code: string;
  message: string;
  info?: { code: number; reason: string; status?: number | undefined } | undefined;
  cause?: unknown;
}

/**
 * Why a chat client stopped reconnecting, for a person to read, e.g.
 * "closed by the server: 1008 message rate limit exceeded". Shared by the page and the terminal.
 */
export function stopReason(error: StopError): string {
  const { code, info } = error;
  if (code === "CLOSED_BY_SERVER" && info)
    return `closed by the server: ${info.code} ${info.reason}`.trim();
  if (code === "UPGRADE_REFUSED" && info?.status)
    return `refused by the server: HTTP ${info.status}`;
  if (code === "RECONNECT_FAILED") {
    const last = error.cause as StopError | undefined;
    return `gave up reconnecting${last ? ` (last: ${stopReason(last)})` : ""}`;
  }
  return error.message;
}
