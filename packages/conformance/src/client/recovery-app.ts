import { type Channel, WebServer, type WebServerOptions } from "@switchboard/core";

const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

/** What the recovery app recorded, for `/state`. */
export interface RecoveryState {
  /** onWsOpen calls. */
  opens: number;
  /** onWsRecover calls. */
  recovers: number;
  /** onWsClose calls: code and reason. */
  closes: [code: number, reason: string][];
  /** Every text message received, in order. */
  got: string[];
}

/**
 * The server of the client suite's recovery cases: recovery on, every channel in the topic
 * "numbers", and a pump that sends numbered messages by direct send, publish and broadcast in
 * turn while a proxy cuts the link.
 */
export class RecoveryApp extends WebServer {
  readonly state: RecoveryState = { opens: 0, recovers: 0, closes: [], got: [] };

  constructor(options: Omit<WebServerOptions, "recovery">, windowMs: number) {
    super({ ...options, recovery: { windowMs } });
  }

  override onWsOpen(channel: Channel) {
    this.state.opens++;
    this.subscribe(channel, "numbers");
  }
  override onWsRecover() {
    this.state.recovers++;
  }
  override onWsMessage(_channel: Channel, text: string) {
    this.state.got.push(text);
  }
  override onWsClose(_channel: Channel, code: number, reason: string) {
    this.state.closes.push([code, reason]);
  }

  /** Sends 1…`count` at full speed (a pause every 250), calling `cut` `cuts` times on the way. */
  async pump(count: number, cuts: number, cut: () => void): Promise<void> {
    const every = Math.floor(count / (cuts + 1));
    for (let n = 1; n <= count; n++) {
      const text = String(n);
      if (n % 3 === 0) this.broadcast(text);
      else if (n % 3 === 1) this.publish("numbers", text);
      else for (const channel of this.channels) this.send(channel, text);
      if (n % every === 0 && n / every <= cuts) cut();
      if (n % 250 === 0) await pause();
    }
  }
}
