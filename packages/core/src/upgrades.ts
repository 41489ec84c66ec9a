import { AddressCounts } from "./address-counts.js";
import { Admission, type AdmissionOwner, type WsUpgradeRequest } from "./admission.js";
import { checkHandshake, type HandshakeRefusal, offeredProtocols } from "./handshake.js";
import { headTooLarge } from "./request-head.js";
import { rejection } from "./response-head.js";
import type { UpgradeRequest, UpgradeResponder } from "./seam.js";
import { isThenable } from "./thenable.js";

/** What a connection carries between the upgrade and `open`. */
export interface UpgradeContext {
  url: string;
  remoteAddress: string;
  data: unknown;
  /** Takes over the address's slot held since `accept`; false if it was let go meanwhile. */
  claimSlot(): boolean;
}

/** What upgrade admission needs from its server. */
export interface AdmissionHost<Data> {
  readonly limits: {
    readonly allowedOrigins: readonly string[];
    readonly maxConnections: number;
    readonly maxConnectionsPerIp: number;
    readonly upgradeTimeoutMs: number;
    readonly maxHeaderBytes: number;
  };
  /** True while the server takes new connections. */
  accepting(): boolean;
  /** Open channels now. */
  connected(): number;
  /** Runs `onWsUpgrade`. */
  decide(request: WsUpgradeRequest, admission: Admission<Data>): unknown;
  /** Counts an upgrade core refused. */
  refused(): void;
  /** Hands `onWsUpgrade`'s failure to `onError`. */
  report(error: unknown): void;
}

/**
 * Upgrade admission, the same on every engine: core refuses what is malformed, from a foreign
 * origin, past `maxConnectionsPerIp` or `maxConnections` or during shutdown before user code
 * runs; `onWsUpgrade` decides the rest, now or later, within `upgradeTimeoutMs`.
 */
export class Upgrades<Data> implements AdmissionOwner<Data> {
  readonly #host: AdmissionHost<Data>;
  readonly #pending = new Set<Admission<Data>>();
  /**
   * Pending upgrades and open channels per client address; without `maxConnectionsPerIp` (the
   * limits are frozen) nothing reads them, and nothing is counted.
   */
  readonly #addresses: AddressCounts | undefined;

  constructor(host: AdmissionHost<Data>) {
    this.#host = host;
    this.#addresses = host.limits.maxConnectionsPerIp > 0 ? new AddressCounts() : undefined;
  }

  /** Admissions still waiting for a decision (they count against `maxConnections`). */
  get pending(): number {
    return this.#pending.size;
  }

  handle(request: UpgradeRequest, responder: UpgradeResponder): void {
    const refusal = this.#refusal(request);
    if (!refusal) {
      this.#admit(request, responder);
      return;
    }
    this.#host.refused();
    responder.reject(...rejection(refusal.status, refusal.body, refusal.headers));
  }

  /** A channel opened: it counts against `maxConnectionsPerIp` until `closed`. */
  opened(context: UpgradeContext): void {
    if (this.#addresses && !context.claimSlot()) this.#addresses.add(context.remoteAddress);
  }

  /** A channel from `address` is gone. */
  closed(address: string): void {
    this.#addresses?.remove(address);
  }

  /** Ends every pending admission with `status` (on shutdown: 503). */
  voidAll(status: number, body: string): void {
    for (const admission of this.#pending) admission.void(status, body);
  }

  /** Why core refuses an upgrade before user code runs, if it does. */
  #refusal(request: UpgradeRequest): HandshakeRefusal | undefined {
    const host = this.#host;
    if (!host.accepting()) return { status: 503, headers: [], body: "server is shutting down" };
    // node:http refuses an oversized upgrade head itself; other engines hand it over whole.
    const tooLarge = headTooLarge(request, host.limits.maxHeaderBytes);
    if (tooLarge) return { status: tooLarge.status, headers: [], body: tooLarge.message };
    const malformed = checkHandshake(request);
    if (malformed) return malformed;
    const origins = host.limits.allowedOrigins;
    if (origins.length > 0 && !origins.includes(request.headers["origin"] ?? "")) {
      return { status: 403, headers: [], body: "origin not allowed" };
    }
    // Before the global cap: one address filling the server is told it is the one refused.
    const perIp = host.limits.maxConnectionsPerIp;
    if (
      perIp > 0 &&
      request.remoteAddress !== "" &&
      (this.#addresses?.of(request.remoteAddress) ?? 0) >= perIp
    ) {
      return { status: 429, headers: [], body: "too many connections from this address" };
    }
    if (host.connected() + this.#pending.size >= host.limits.maxConnections) {
      return { status: 503, headers: [], body: "too many connections" };
    }
    return undefined;
  }

  #admit(request: UpgradeRequest, responder: UpgradeResponder): void {
    const info = new UpgradeInfo(request);
    const admission = new PendingUpgrade<Data>(responder, info, this);
    this.#pending.add(admission);
    this.#addresses?.add(info.remoteAddress);
    responder.onAbort(() => admission.abandon());
    try {
      const decision = this.#host.decide(info, admission);
      if (isThenable(decision)) {
        Promise.resolve(decision).catch((error: unknown) => this.#failed(error, admission));
      }
    } catch (error) {
      this.#failed(error, admission);
    }
    if (admission.pending) {
      admission.timer = setTimeout(() => {
        this.#host.refused();
        admission.void(408, "upgrade decision timed out");
      }, this.#host.limits.upgradeTimeoutMs);
    }
  }

  /** `admission.accept` was called: completes the handshake through its responder. */
  accepted(
    admission: Admission<Data>,
    responder: UpgradeResponder,
    protocol: string,
    data: unknown,
  ): void {
    const info = (admission as PendingUpgrade<Data>).info;
    const context = new AcceptedUpgrade(this.#addresses, info.url, info.remoteAddress, data);
    try {
      responder.accept(protocol, context);
    } finally {
      context.releaseLater(this.#host.limits.upgradeTimeoutMs);
    }
  }

  /** An admission is no longer pending: accepted, refused, timed out or abandoned. */
  settled(admission: Admission<Data>): void {
    const pending = admission as PendingUpgrade<Data>;
    clearTimeout(pending.timer);
    this.#pending.delete(admission);
    this.#addresses?.remove(pending.info.remoteAddress);
  }

  #failed(error: unknown, admission: Admission<Data>): void {
    this.#host.report(error);
    admission.void(500, "internal server error");
  }
}

/** An admission with what its server keeps while it is pending: the request and its timer. */
class PendingUpgrade<Data> extends Admission<Data> {
  readonly info: UpgradeInfo;
  timer: NodeJS.Timeout | undefined = undefined;

  constructor(responder: UpgradeResponder, info: UpgradeInfo, owner: AdmissionOwner<Data>) {
    super(responder, info.protocols, owner);
    this.info = info;
  }
}

/**
 * An upgrade request as `onWsUpgrade` sees it. The path and the parsed query are made on first
 * use, as for HTTP requests: most decisions never read them.
 */
class UpgradeInfo implements WsUpgradeRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly remoteAddress: string;
  readonly protocols: readonly string[];
  #query: URLSearchParams | undefined;

  constructor(request: UpgradeRequest) {
    this.url = request.url;
    this.headers = request.headers;
    this.remoteAddress = request.remoteAddress;
    this.protocols = offeredProtocols(request);
  }

  get path(): string {
    const q = this.url.indexOf("?");
    return q === -1 ? this.url : this.url.slice(0, q);
  }

  get query(): URLSearchParams {
    if (!this.#query) {
      const q = this.url.indexOf("?");
      this.#query = new URLSearchParams(q === -1 ? "" : this.url.slice(q + 1));
    }
    return this.#query;
  }
}

/**
 * An accepted upgrade on its way to `open`: the channel's context, holding the address's slot
 * until the channel claims it. Engines such as Bun open the channel a tick later, and a burst
 * must not slip past the cap in between; a handshake that dies on the way lets the slot go after
 * `upgradeTimeoutMs`. Engines that open the channel inside `accept` (uWS) claim the slot before
 * `accept` returns, and then no timer is set at all.
 */
class AcceptedUpgrade implements UpgradeContext {
  readonly url: string;
  readonly remoteAddress: string;
  readonly data: unknown;
  readonly #addresses: AddressCounts | undefined;
  #held: boolean;
  #release: NodeJS.Timeout | undefined;

  constructor(
    addresses: AddressCounts | undefined,
    url: string,
    remoteAddress: string,
    data: unknown,
  ) {
    this.#addresses = addresses;
    this.url = url;
    this.remoteAddress = remoteAddress;
    this.data = data;
    this.#held = addresses !== undefined;
    addresses?.add(remoteAddress);
  }

  claimSlot(): boolean {
    if (this.#release) clearTimeout(this.#release);
    const claimed = this.#held;
    this.#held = false;
    return claimed;
  }

  /** Once `accept` returned: a slot its channel has not claimed yet is let go after `ms`. */
  releaseLater(ms: number): void {
    if (!this.#held) return;
    this.#release = setTimeout(() => {
      this.#held = false;
      this.#addresses?.remove(this.remoteAddress);
    }, ms);
    this.#release.unref();
  }
}
