import {
  type BroadcastOptions,
  type Channel,
  RECOVERED_ELSEWHERE,
  type SendData,
  type WebServerOptions,
} from "@switchboard/core";
import { type NoticeBatch, NoticeBudget, summaryLine } from "./notice-budget.js";
import type { ChatClass } from "./shared-room.js";

/** A chat whose join and leave notices go through a `NoticeBudget`. */
export type CalmChatClass = new (
  options: WebServerOptions,
) => InstanceType<ChatClass> & {
  /** Whether the join or leave being handled now is announced on its own (else: summarised). */
  readonly announceNow: boolean;
  /** Sends a storm's summary; a subclass adds what its own clients should hear. */
  onNoticeBatch(batch: NoticeBatch): void;
};

/**
 * `Chat`, whose `user_N joined` and `user_N left` broadcasts are announced one by one while they
 * are few and summarised once per second during a storm (see `NoticeBudget`). The tutorial's
 * class runs unchanged: its broadcasts from `onWsOpen` and `onWsClose` pass through the budget.
 */
export function withCalmNotices(Chat: ChatClass, noticesPerSecond: number): CalmChatClass {
  return class CalmChat extends Chat {
    readonly #budget = new NoticeBudget(noticesPerSecond, (batch) => this.onNoticeBatch(batch));
    #inNotice = false;
    announceNow = true;

    onNoticeBatch(batch: NoticeBatch): void {
      super.broadcast(summaryLine(batch));
    }

    override onWsOpen(channel: Channel, url: string) {
      return this.#notice("joined", () => super.onWsOpen(channel, url));
    }

    override onWsClose(channel: Channel, code: number, reason: string) {
      // Moved to another process: no notice to count.
      if (reason === RECOVERED_ELSEWHERE) return super.onWsClose(channel, code, reason);
      return this.#notice("left", () => super.onWsClose(channel, code, reason));
    }

    override broadcast(data: SendData, options?: BroadcastOptions): number {
      // A notice past the budget is already counted into the next summary.
      if (this.#inNotice && !this.announceNow) return 0;
      return super.broadcast(data, options);
    }

    override close(): Promise<void> {
      this.#budget.stop();
      return super.close();
    }

    #notice(kind: keyof NoticeBatch, handle: () => unknown): unknown {
      this.announceNow = this.#budget.admit(kind);
      this.#inNotice = true;
      try {
        return handle();
      } finally {
        this.#inNotice = false;
      }
    }
  };
}
