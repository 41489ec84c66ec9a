import {
  type Admission,
  type Channel,
  CloseCode,
  Opcode,
  type WsUpgradeRequest,
} from "@switchboard/core";

/** The one WebSocket path of the chat; the page and the CLI connect here. */
export const CHAT_PATH = "/chat";

/**
 * `onWsUpgrade` for the chat: only `/chat` joins the chat, any other path is refused with 404
 * (as an unknown HTTP path is), so a mistyped URL fails loudly instead of joining silently.
 * With `nextNumber` (Redis), each accepted client carries the user number handed out for it as
 * `channel.data`. The chat runs with `recovery` on, so taking the client's first offer may agree to
 * a recovery token (see docs/recovery.md).
 */
export function chatUpgrades(nextNumber?: () => Promise<number>) {
  return async (request: WsUpgradeRequest, admission: Admission): Promise<void> => {
    if (request.path !== CHAT_PATH) {
      admission.reject(404);
      return;
    }
    const data = nextNumber ? await nextNumber() : undefined;
    admission.accept({ protocol: request.protocols[0], data });
  };
}

/**
 * `onWsMessageFrame` for the chat: it speaks text only. A binary message closes its sender with
 * 1003 (unsupported data) and reaches nobody, rather than being dropped without a word.
 */
export function textOnly(channel: Channel, _data: Uint8Array, opcode: Opcode): void {
  if (opcode === Opcode.BINARY)
    channel.close(CloseCode.UNSUPPORTED_DATA, "the chat takes text only");
}
