// The bench behaviour in crossws's hooks, shared by its node and uws adapters: echo, or publish
// to every peer for connections opened on the broadcast path.
import type { Hooks } from "crossws";
import { isBroadcastUrl } from "./harness.js";

const TOPIC = "everyone";

export function benchHooks(publish: (topic: string, text: string) => void): Partial<Hooks> {
  // Decided once per peer at open, so the message hook does not parse the URL every time.
  const broadcasters = new WeakSet<object>();
  return {
    open(peer) {
      peer.subscribe(TOPIC);
      if (isBroadcastUrl(new URL(peer.request.url).pathname)) broadcasters.add(peer);
    },
    message(peer, message) {
      if (broadcasters.has(peer)) publish(TOPIC, message.text());
      else peer.send(message.text());
    },
  };
}
