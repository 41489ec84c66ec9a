import { type Channel, connectionOf } from "./channel.js";
import { CloseCode } from "./opcode.js";

/** Timer settings of `Liveness`, in milliseconds; 0 turns one off. */
export interface LivenessSettings {
  heartbeatIntervalMs: number;
  idleTimeoutMs: number;
}

/** Idle scans per timeout: the timeout is honoured to within a quarter of itself. */
const IDLE_SCANS = 4;

/**
 * Detects dead and idle peers the same way on every engine (ws has no such timers, uWS has its
 * own with other rules): one ping round per heartbeat interval, and a coarse idle scan that
 * costs the message path a single field write.
 */
export class Liveness {
  #timers: NodeJS.Timeout[] = [];

  constructor(
    readonly channels: () => Iterable<Channel>,
    readonly settings: LivenessSettings,
  ) {}

  start(): void {
    const { heartbeatIntervalMs, idleTimeoutMs } = this.settings;
    if (heartbeatIntervalMs > 0) this.#every(heartbeatIntervalMs, () => this.#heartbeat());
    if (idleTimeoutMs > 0)
      this.#every(Math.max(1, Math.floor(idleTimeoutMs / IDLE_SCANS)), () => this.#idleScan());
  }

  stop(): void {
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
  }

  #every(ms: number, task: () => void): void {
    const timer = setInterval(task, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  #heartbeat(): void {
    for (const channel of this.channels()) {
      if (channel.isOpen && !connectionOf(channel).ping()) channel.terminate();
    }
  }

  #idleScan(): void {
    for (const channel of this.channels()) {
      if (channel.isOpen && connectionOf(channel).countQuietScan() > IDLE_SCANS)
        channel.close(CloseCode.GOING_AWAY, "idle timeout");
    }
  }
}
