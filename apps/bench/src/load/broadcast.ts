/**
 * Broadcast: `connections` subscribers, the first of which also publishes. The server sends each
 * published message to every subscriber (the publisher included). At most `inFlight` broadcasts
 * are outstanding: the next goes out once the slowest subscriber has the oldest, so no queue grows
 * without bound. An operation is one delivery to one subscriber.
 */
import { dialectFor, openSession } from "./dialect.js";
import { SequencedMessage } from "./messages.js";
import { inBatches, waitUntil } from "./settle.js";
import { emptyChecks, type LoadResult, type LoadRun, type LoadTask } from "./types.js";
import type { WsConnection } from "./ws-client.js";

interface Subscriber {
  connection?: WsConnection;
  received: number;
  open: boolean;
}

export async function startBroadcast(task: LoadTask): Promise<LoadRun> {
  const dialect = dialectFor(task.dialect);
  const message = new SequencedMessage(task.payloadBytes, dialect.envelope("broadcast"));
  const checks = emptyChecks();
  const subscriberCount = task.connections;
  let running = true;
  let published = 0;
  let completed = 0;
  let firstError: string | undefined;
  // How many subscribers have each outstanding broadcast, indexed by seq modulo the window.
  const arrivals = new Uint32Array(task.inFlight);
  let publisher: WsConnection | undefined;

  const publish = () => {
    const room = Math.min(task.inFlight - (published - completed), task.maxOps - published);
    if (!running || !publisher || room <= 0) return;
    message.send(publisher, published, room);
    published += room;
  };

  const subscribers = await inBatches(subscriberCount, 50, async () => {
    const subscriber: Subscriber = { received: 0, open: true };
    subscriber.connection = await openSession(task.port, dialect, "broadcast", {
      message(payload) {
        const seq = message.seqOf(payload);
        if (seq !== subscriber.received) {
          checks.wrong++;
          firstError ??= `broadcast: expected #${subscriber.received}, got ${payload.length} bytes (#${seq})`;
        }
        subscriber.received++;
        checks.ops++;
        const slot = subscriber.received % task.inFlight;
        arrivals[slot] = (arrivals[slot] as number) + 1;
        // Subscribers each get messages in order, so broadcasts complete in order too.
        while (
          completed < published &&
          arrivals[(completed + 1) % task.inFlight] === subscriberCount
        ) {
          arrivals[(completed + 1) % task.inFlight] = 0;
          completed++;
        }
      },
      afterData: publish,
      closed() {
        subscriber.open = false;
        if (running) checks.failures++;
      },
    });
    return subscriber;
  });

  publisher = subscribers[0]?.connection;
  publish();
  const stopTimer = setTimeout(() => {
    running = false;
  }, task.maxMs);

  return {
    mark: () => checks.ops,
    async stop(): Promise<LoadResult> {
      running = false;
      clearTimeout(stopTimer);
      await waitUntil(() => subscribers.every((s) => !s.open || s.received >= published), 5000);
      for (const subscriber of subscribers) {
        checks.lost += published - subscriber.received;
        checks.violations += subscriber.connection?.violations ?? 0;
        subscriber.connection?.close();
      }
      await waitUntil(() => subscribers.every((s) => !s.open), 3000);
      for (const subscriber of subscribers) subscriber.connection?.socket.destroy();
      return firstError ? { checks, firstError } : { checks };
    },
  };
}
