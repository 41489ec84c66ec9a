import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type ClientError, type CloseInfo, defaultShouldReconnect } from "../src/index.js";
import { FakeClient } from "./fake.js";

const codeOf = (error: unknown) => (error as ClientError).code;

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, "random").mockReturnValue(0.5);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A client with reconnect on, open on its first socket. */
async function openClient(options: ConstructorParameters<typeof FakeClient>[0] = {}) {
  const stops: ClientError[] = [];
  const errors: unknown[] = [];
  const client = new FakeClient({
    reconnect: { initialDelay: 100, maxDelay: 1000, jitter: 0 },
    onStop: (error) => stops.push(error),
    onError: (error) => errors.push(error),
    ...options,
  });
  const opened = client.connect("ws://127.0.0.1:9/");
  await vi.advanceTimersByTimeAsync(0);
  client.socket.open();
  await opened;
  return { client, stops, errors };
}

describe("the default reconnect policy", () => {
  const close = (code: number): CloseInfo => ({ code, reason: "" });
  const refused = (status: number): CloseInfo => ({ code: 1006, reason: "", status });

  it.each([1001, 1006, 1011, 1012, 1013, 1014])("retries close code %i", (code) => {
    expect(defaultShouldReconnect(close(code))).toBe(true);
  });
  it.each([1000, 1002, 1003, 1005, 1007, 1008, 1009, 1010, 1015, 3000, 4000, 4500, 4999])(
    "stops at close code %i",
    (code) => {
      expect(defaultShouldReconnect(close(code))).toBe(false);
    },
  );
  it.each([408, 429, 500, 502, 503, 504, 599])("retries upgrade status %i", (status) => {
    expect(defaultShouldReconnect(refused(status))).toBe(true);
  });
  it.each([300, 400, 401, 403, 404, 410, 426, 451])("stops at upgrade status %i", (status) => {
    expect(defaultShouldReconnect(refused(status))).toBe(false);
  });
});

describe("the shared client's reconnect policy", () => {
  it("maxRetries 0 stops at the first close it would retry, with RECONNECT_FAILED", async () => {
    const { client, stops } = await openClient({
      reconnect: { initialDelay: 100, maxRetries: 0 },
    });
    client.socket.drop(1001, "restart");
    expect(client.state).toBe("closed");
    expect(stops.map(codeOf)).toEqual(["RECONNECT_FAILED"]);
    expect((stops[0]!.cause as ClientError).info).toEqual({ code: 1001, reason: "restart" });
  });

  it("a shouldReconnect that throws stops the client, and the throw goes to onError", async () => {
    const { client, stops, errors } = await openClient({
      reconnect: {
        shouldReconnect: () => {
          throw new Error("policy bug");
        },
      },
    });
    client.socket.drop(1006, "");
    expect(client.state).toBe("closed");
    expect(stops.map(codeOf)).toEqual(["CLOSED_BY_SERVER"]);
    expect((errors[0] as Error).message).toBe("policy bug");
  });

  it("a shouldReconnect that is not a function is refused with INVALID_OPTION", () => {
    expect(() => new FakeClient({ reconnect: { shouldReconnect: 1 as never } })).toThrow(
      /INVALID_OPTION: shouldReconnect/,
    );
  });

  it("waits Retry-After instead of the backoff, and the longest backoff after 1008", async () => {
    const { client } = await openClient({
      reconnect: {
        ...{ initialDelay: 100, maxDelay: 1000 },
        jitter: 0,
        shouldReconnect: () => true,
      },
    });
    client.socket.drop(1008, "rate limit");
    await vi.advanceTimersByTimeAsync(999);
    expect(client.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(client.sockets).toHaveLength(2);
    client.socket.answer(503, 5000);
    await vi.advanceTimersByTimeAsync(4999);
    expect(client.sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(client.sockets).toHaveLength(3);
  });

  it("spreads the wait after 1008 upwards by jitter, never below maxDelay", async () => {
    vi.spyOn(Math, "random").mockReturnValue(1);
    const { client } = await openClient({
      reconnect: { initialDelay: 100, maxDelay: 1000, jitter: 0.5, shouldReconnect: () => true },
    });
    client.socket.drop(1008, "rate limit");
    await vi.advanceTimersByTimeAsync(1499);
    expect(client.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(client.sockets).toHaveLength(2);
  });

  it("retryNow cuts a backoff short, but not a wait the server asked for", async () => {
    const { client } = await openClient({
      reconnect: { initialDelay: 60_000, maxDelay: 60_000, jitter: 0, shouldReconnect: () => true },
    });
    client.socket.drop(1006, "");
    expect(client.state).toBe("reconnecting");
    client.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(client.sockets).toHaveLength(2);
    client.wake(); // while connecting: nothing to cut short
    await vi.advanceTimersByTimeAsync(0);
    expect(client.sockets).toHaveLength(2);
    client.socket.open();
    client.socket.drop(1008, "rate limit");
    client.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(client.sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(client.sockets).toHaveLength(3);
  });

  it("watches for wake-ups from connect() until the client is closed, and not after", async () => {
    const { client } = await openClient();
    expect(client.watched).toEqual([true]);
    const again = client.reconnect();
    await vi.advanceTimersByTimeAsync(0);
    client.socket.open();
    await again;
    const closing = client.close();
    client.socket.drop(1000, "");
    await closing;
    expect(client.watched).toEqual([true, true, false]);
    client.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(client.state).toBe("closed");
  });

  it("an upgrade refused with a status the policy stops at rejects connect() with UPGRADE_REFUSED", async () => {
    const stops: ClientError[] = [];
    const client = new FakeClient({ reconnect: true, onStop: (error) => stops.push(error) });
    const connecting = client.connect("ws://127.0.0.1:9/").catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(0);
    client.socket.answer(401);
    const error = (await connecting) as ClientError;
    expect(error.code).toBe("UPGRADE_REFUSED");
    expect(error.message).toBe("UPGRADE_REFUSED: ws://127.0.0.1:9/ 401");
    expect(error.info).toMatchObject({ code: 1006, status: 401 });
    expect(stops).toEqual([error]);
  });
});
