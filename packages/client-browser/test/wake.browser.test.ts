// Browser-only: `online` and page visibility do not exist in Node, so this is not a conformance case.
import { afterEach, expect, inject, it } from "vitest";
import { WebSocketClient } from "../src/index.js";

interface ControlInfo {
  control: string;
}

/** The client suite's control server (see test/global-setup.ts). */
const control = async <T>(path: string, params: Record<string, string> = {}): Promise<T> => {
  const info = (inject as unknown as (key: string) => ControlInfo)("switchboardClientServers");
  const response = await fetch(`${info.control}${path}?${new URLSearchParams(params)}`, {
    method: "POST",
  });
  return (await response.json()) as T;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 5) {
    if (waited > 5000) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** A backoff no test waits out: any retry seen was cut short. */
const LONG = { initialDelay: 60_000, maxDelay: 60_000, jitter: 0 };
const clients: WebSocketClient[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  for (const cleanup of cleanups.splice(0)) await cleanup();
  Reflect.deleteProperty(document, "hidden");
});

it("retries at once when the page comes back online or becomes visible, not while hidden", async () => {
  const { port } = await control<{ port: number }>("/closed-port");
  let calls = 0;
  const client = new WebSocketClient({ reconnect: LONG, onError: () => {} });
  clients.push(client);
  void client
    .connect(() => {
      calls++;
      return `ws://127.0.0.1:${port}/`;
    })
    .catch(() => {});
  await until(() => client.state === "reconnecting", "the first backoff");
  expect(calls).toBe(1);

  window.dispatchEvent(new Event("online"));
  await until(() => calls === 2, "a retry on online");
  await until(() => client.state === "reconnecting", "the second backoff");

  document.dispatchEvent(new Event("visibilitychange"));
  await until(() => calls === 3, "a retry on becoming visible");
  await until(() => client.state === "reconnecting", "the third backoff");

  // A tab going into the background is no reason to hurry.
  Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
  document.dispatchEvent(new Event("visibilitychange"));
  await sleep(100);
  expect(calls).toBe(3);

  // Once closed, the client no longer listens.
  await client.close();
  Reflect.deleteProperty(document, "hidden");
  window.dispatchEvent(new Event("online"));
  await sleep(100);
  expect(calls).toBe(3);
});

it("keeps the wait a server asked for: online does not cut short the delay after 1008", async () => {
  const { id, port } = await control<{ id: string; port: number }>("/start", {
    backend: "ws",
    app: "probe",
  });
  cleanups.push(() => control("/dispose", { id }));
  let opens = 0;
  const client = new WebSocketClient({
    reconnect: { ...LONG, shouldReconnect: () => true },
    onOpen: () => {
      opens++;
    },
  });
  clients.push(client);
  await client.connect(`ws://127.0.0.1:${port}/?close=1008&reason=rate%20limit`);
  await until(() => client.state === "reconnecting", "the wait after 1008");
  window.dispatchEvent(new Event("online"));
  document.dispatchEvent(new Event("visibilitychange"));
  await sleep(200);
  expect(opens).toBe(1);
  expect(client.state).toBe("reconnecting");
});
