import {
  type Channel,
  EventHub,
  RECOVERED_ELSEWHERE,
  type WebServerOptions,
} from "@switchboard/core";
import type { CalmChatClass } from "./calm-notices.js";
import { type ChatEvents, chatSchemas } from "./chat-events.js";
import type { NoticeBatch } from "./notice-budget.js";
import type { ChatClass } from "./shared-room.js";

/**
 * `Chat` with typed events for clients that offer them (the page and the terminal client): the
 * tutorial's class runs unchanged and keeps serving plain WebSocket clients its raw lines, while
 * events clients get `welcome`, `message`, `joined`, `left`, `typing` and `online`, and may ask
 * for `clients`. Events cross processes with `--redis` as raw broadcasts do. During a storm of
 * joins and leaves (see `withCalmNotices`), events clients get one `online` per second instead of
 * a `joined` or `left` each.
 */
export function withEvents(Chat: CalmChatClass): ChatClass {
  return class EventChat extends Chat {
    readonly hub: EventHub<ChatEvents>;

    constructor(options: WebServerOptions) {
      super(options);
      const hub = new EventHub<ChatEvents>(this, { schemas: chatSchemas });
      this.hub = hub;
      hub.on("message", (peer, text) => {
        const from = this.clients.get(peer.channel) ?? "unknown";
        hub.broadcast("message", { from, text });
        // Plain clients hear it as the tutorial says it.
        this.broadcast(`${from}: ${text}`, { exclude: peer.channel });
      });
      hub.on("typing", (peer, typing) => {
        const user = this.clients.get(peer.channel) ?? "unknown";
        hub.broadcast("typing", { user, typing }, { exclude: peer });
      });
      hub.handle("clients", () => [...this.clients.values()]);
    }

    override onWsOpen(channel: Channel, url: string) {
      const result = super.onWsOpen(channel, url);
      const user = this.clients.get(channel) ?? "unknown";
      this.hub.of(channel)?.emit("welcome", user);
      if (this.announceNow) {
        this.hub.broadcast("joined", user, { exclude: channel });
        this.#online();
      }
      return result;
    }

    override onWsClose(channel: Channel, code: number, reason: string) {
      const user = this.clients.get(channel) ?? "unknown";
      const result = super.onWsClose(channel, code, reason);
      // Moved to another process (`--redis`): the user has not left.
      if (this.announceNow && reason !== RECOVERED_ELSEWHERE) {
        this.hub.broadcast("left", user);
        this.#online();
      }
      return result;
    }

    override onNoticeBatch(batch: NoticeBatch): void {
      super.onNoticeBatch(batch);
      this.#online();
    }

    override onWsMessage(channel: Channel, text: string) {
      const result = super.onWsMessage(channel, text);
      const from = this.clients.get(channel) ?? "unknown";
      this.hub.broadcast("message", { from, text }, { exclude: channel });
      return result;
    }

    /** The count is this process's, as GET /clients is: told to the local events clients only. */
    #online(): void {
      for (const channel of this.channels) {
        try {
          if (channel.isOpen) this.hub.of(channel)?.emit("online", this.clientCount);
        } catch {
          // A reader too slow for its buffer was just closed by that policy; the others still hear.
        }
      }
    }
  };
}
