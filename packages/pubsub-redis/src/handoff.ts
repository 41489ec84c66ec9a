import {
  BROADCAST_TOPIC,
  type HandoffMessage,
  type RecoveryHandler,
} from "@switchboard/core/pubsub";
import type { RedisClient } from "./connection.js";
import { describe, RedisPubSubError } from "./errors.js";
import { nodeChannel } from "./recovery-keys.js";

/** A handoff request or answer, on the receiving process's node channel. */
type ControlMessage =
  | { t: "release"; s: string; from: string; end?: true }
  | { t: "released"; s: string; from: string };

/** What the handoff needs from the adapter. */
export interface HandoffHost {
  readonly nodeId: string;
  readonly prefix: string;
  /** The publishing connection's client, when it is up. */
  publisher(): RedisClient | undefined;
  /** Listens on a Redis channel with `listener` until `unlisten`; resolves once Redis confirmed. */
  listen(channel: string, listener: (message: Buffer) => void): Promise<void>;
  unlisten(channel: string, listener: (message: Buffer) => void): void;
  /** Keeps `topic` subscribed for a claim, whatever local interest does, until `unhold`. */
  hold(topic: string): Promise<void>;
  unhold(topic: string): void;
  /** The previous owner let go: write its final state before the answer goes out. */
  released(session: string, state: NonNullable<ReturnType<RecoveryHandler["release"]>>): void;
  report(error: unknown): void;
}

/** One session being taken over by this process. */
export interface Claim {
  readonly session: string;
  /** The process that held it; undefined when none is known alive. */
  readonly owner: string | undefined;
  readonly topics: ReadonlySet<string>;
  /** This process asked the owner to let go (its later publishes are not in the stream). */
  asked: boolean;
  /** This process heard its own request: other processes' later publishes are not in the stream. */
  heardAsk: boolean;
  /** The owner answered: its later publishes are not in the stream. */
  answered: boolean;
  captured: HandoffMessage[];
  done: boolean;
  wake?: () => void;
}

/**
 * Moves a session between processes through each process's node channel. The new process
 * subscribes the session's topics, then asks the owner to let go; the owner stops (no more
 * sends or appends), writes its final state and answers. Both messages travel through Redis in
 * one order with every publish, so what the owner appended and what this process must deliver
 * itself are told apart exactly: a publish is in the stream when the owner got it before the
 * request (or, for the owner's own publishes, before its answer). What this process catches
 * between the request and the channel's subscription is handed over with the claim.
 */
export class Handoff {
  handler: RecoveryHandler | undefined;
  readonly #host: HandoffHost;
  readonly #claims = new Set<Claim>();
  readonly #timeoutMs: number;

  constructor(host: HandoffHost, timeoutMs: number) {
    this.#host = host;
    this.#timeoutMs = timeoutMs;
  }

  /** Whether a claim is catching publishes (the adapter asks before calling `observe`). */
  get active(): boolean {
    return this.#claims.size > 0;
  }

  /** This process's node channel: requests to let go, and answers. */
  get channel(): string {
    return nodeChannel(this.#host.prefix, this.#host.nodeId);
  }

  /** A message another process published on `topic`. */
  observe(topic: string, sender: string, payload: Uint8Array, binary: boolean): void {
    for (const claim of this.#claims) {
      const after = sender === claim.owner ? claim.answered : claim.heardAsk;
      if (after && concerns(claim, topic))
        claim.captured.push({ payload: payload.slice(), binary });
    }
  }

  /** A message this process publishes on `topic`. */
  published(topic: string, payload: Uint8Array, binary: boolean): void {
    for (const claim of this.#claims) {
      if (claim.asked && concerns(claim, topic))
        claim.captured.push({ payload: payload.slice(), binary });
    }
  }

  /**
   * Takes `session` over from `owner` (undefined: no owner to ask): subscribes its topics, asks
   * the owner to let go and waits for its answer, at most the handoff timeout.
   */
  async begin(
    session: string,
    owner: string | undefined,
    topics: string[],
    end = false,
  ): Promise<Claim> {
    const claim: Claim = {
      session,
      owner,
      topics: new Set(topics),
      asked: owner === undefined,
      heardAsk: owner === undefined,
      answered: false,
      captured: [],
      done: false,
    };
    const held = [...claim.topics].filter((topic) => topic !== BROADCAST_TOPIC);
    this.#claims.add(claim);
    try {
      await Promise.all(held.map((topic) => this.#host.hold(topic)));
      if (owner !== undefined) await this.#ask(claim, owner, end);
    } catch (error) {
      this.finish(claim);
      throw error;
    }
    return claim;
  }

  /** The claim is over: stops catching and returns what it caught. */
  finish(claim: Claim): HandoffMessage[] {
    if (claim.done) return [];
    claim.done = true;
    this.#claims.delete(claim);
    for (const topic of claim.topics) if (topic !== BROADCAST_TOPIC) this.#host.unhold(topic);
    const captured = claim.captured;
    claim.captured = [];
    return captured;
  }

  /** A message on this process's node channel. */
  readonly control = (message: Buffer): void => {
    const control = parse(message);
    if (!control) return;
    if (control.t === "release") this.#release(control.s, control.from, control.end === true);
    else {
      for (const claim of this.#claims) {
        if (claim.session === control.s && claim.owner === control.from && !claim.answered) {
          claim.answered = true;
          claim.wake?.();
        }
      }
    }
  };

  /** Asks the owner to let go of the session (`end`: to end it, as it cannot be resumed). */
  async #ask(claim: Claim, owner: string, end: boolean): Promise<void> {
    const host = this.#host;
    const ownerChannel = nodeChannel(host.prefix, owner);
    // Hearing the request on the owner's channel places it among the publishes this process gets.
    const hear = (message: Buffer) => {
      const control = parse(message);
      if (control?.t === "release" && control.s === claim.session && control.from === host.nodeId)
        claim.heardAsk = true;
    };
    await host.listen(ownerChannel, hear);
    try {
      const publisher = host.publisher();
      if (!publisher) throw new RedisPubSubError("COMMAND_FAILED", "Redis is unreachable");
      const request: ControlMessage = {
        t: "release",
        s: claim.session,
        from: host.nodeId,
        ...(end && { end: true as const }),
      };
      const sending = publisher.sendCommand<number>([
        "PUBLISH",
        ownerChannel,
        JSON.stringify(request),
      ]);
      claim.asked = true;
      // The owner and this process hear it while the owner is alive (connected to Redis).
      const listeners = await sending;
      if (listeners < 2) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#timeoutMs);
        claim.wake = () => {
          clearTimeout(timer);
          resolve();
        };
        if (claim.answered) claim.wake();
      });
    } finally {
      host.unlisten(ownerChannel, hear);
    }
  }

  /** Another process resumes `session`: let go of it here, and answer once its state is written. */
  #release(session: string, to: string, end: boolean): void {
    const host = this.#host;
    let state: ReturnType<RecoveryHandler["release"]>;
    try {
      state = this.handler?.release(session, end);
    } catch (error) {
      host.report(error);
    }
    if (state) host.released(session, state);
    const answer: ControlMessage = { t: "released", s: session, from: host.nodeId };
    host
      .publisher()
      ?.sendCommand(["PUBLISH", nodeChannel(host.prefix, to), JSON.stringify(answer)])
      .catch((error: unknown) =>
        host.report(
          new RedisPubSubError("COMMAND_FAILED", `handoff answer failed: ${describe(error)}`, {
            cause: error,
          }),
        ),
      );
  }
}

function concerns(claim: Claim, topic: string): boolean {
  return topic === BROADCAST_TOPIC || claim.topics.has(topic);
}

function parse(message: Buffer): ControlMessage | undefined {
  try {
    const value = JSON.parse(message.toString("utf8")) as ControlMessage;
    return (value.t === "release" || value.t === "released") &&
      typeof value.s === "string" &&
      typeof value.from === "string"
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}
