import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ClientError } from "../src/index.js";
import { FakeClient, settle } from "./fake.js";

const codeOf = (error: unknown) => (error as ClientError).code;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("the shared client state machine", () => {
  it("normalizes the URL and offers the protocols", async () => {
    const client = new FakeClient({ protocols: ["a", "b"] });
    const opened = client.connect("http://127.0.0.1:9/x?y=1#frag");
    await vi.advanceTimersByTimeAsync(0);
    expect(client.socket.url).toBe("ws://127.0.0.1:9/x?y=1");
    expect(client.socket.options.protocols).toEqual(["a", "b"]);
    client.socket.open("b");
    await opened;
    expect(client.protocol).toBe("b");
    expect(client.state).toBe("open");
  });

  it("queues sends while connecting and writes them in order on open, before onOpen runs", async () => {
    const order: string[] = [];
    const client: FakeClient = new FakeClient({
      onOpen: (): void => void order.push(`open after ${client.socket.sent.length}`),
    });
    const opened = client.connect("ws://127.0.0.1:9/");
    expect(client.send("one")).toBe(false);
    const bytes = new Uint8Array([1, 2]);
    client.send(bytes);
    bytes[0] = 9; // the queued copy is unaffected
    await vi.advanceTimersByTimeAsync(0);
    client.socket.open();
    await opened;
    expect(client.socket.sent).toEqual(["one", new Uint8Array([1, 2])]);
    expect(order).toEqual(["open after 2"]);
    expect(client.send("three")).toBe(true);
  });

  it("send returns false over the high-water mark, and drain() waits for the buffer", async () => {
    const client = new FakeClient();
    const opened = client.connect("ws://127.0.0.1:9/");
    await vi.advanceTimersByTimeAsync(0);
    client.socket.open();
    await opened;
    client.socket.bufferedAmount = 2 * 1024 * 1024;
    expect(client.send("big")).toBe(false);
    let drained = false;
    void client.drain().then(() => {
      drained = true;
    });
    await vi.advanceTimersByTimeAsync(50);
    expect(drained).toBe(false);
    client.socket.bufferedAmount = 0;
    await vi.advanceTimersByTimeAsync(50);
    expect(drained).toBe(true);
  });

  it("retries on the backoff schedule and gives up after maxRetries", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const errors: string[] = [];
    const client = new FakeClient({
      reconnect: { initialDelay: 100, maxDelay: 300, maxRetries: 3 },
      onError: (error) => errors.push(codeOf(error)),
    });
    const connecting = client.connect("ws://127.0.0.1:9/").catch((error: unknown) => error);
    // The first attempt starts at once; each refusal schedules the next one.
    const attemptTimes = [Date.now()];
    client.socket.refuse();
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersToNextTimerAsync();
      attemptTimes.push(Date.now());
      client.socket.refuse();
    }
    const error = (await connecting) as ClientError;
    expect(error.code).toBe("RECONNECT_FAILED");
    expect((error.cause as ClientError).code).toBe("CONNECT_FAILED");
    expect((error.cause as ClientError).message).toContain("ECONNREFUSED");
    expect(attemptTimes.slice(1).map((t, i) => t - attemptTimes[i]!)).toEqual([100, 200, 300]);
    expect(errors).toEqual(["CONNECT_FAILED", "CONNECT_FAILED", "CONNECT_FAILED"]);
    expect(client.state).toBe("closed");
    vi.restoreAllMocks();
  });

  it("times out an attempt, closes its socket and ignores what it says later", async () => {
    const client = new FakeClient({ connectTimeout: 1000 });
    const connecting = client.connect("ws://127.0.0.1:9/").catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1000);
    expect(codeOf(await connecting)).toBe("CONNECT_TIMEOUT");
    expect(client.socket.closedWith).toEqual([1000, ""]);
    client.socket.open(); // too late: ignored
    expect(client.isConnected).toBe(false);
  });

  it("reconnects after a drop, keeps unread messages, and stops for good after close()", async () => {
    const closes: number[] = [];
    const client = new FakeClient({
      reconnect: { initialDelay: 10, jitter: 0 },
      onClose: (code) => closes.push(code),
    });
    const opened = client.connect("ws://127.0.0.1:9/");
    await vi.advanceTimersByTimeAsync(0);
    client.socket.open();
    await opened;
    client.socket.receive("before the drop");
    client.socket.drop(1001, "bye");
    expect(closes).toEqual([1001]);
    expect(client.state).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(10);
    expect(client.sockets).toHaveLength(2);
    client.socket.open();
    expect((await client.nextMessage()).text).toBe("before the drop");
    const closing = client.close(4000, "done");
    expect(client.socket.closedWith).toEqual([4000, "done"]);
    client.socket.drop(4000, "done");
    await closing;
    await vi.advanceTimersByTimeAsync(1000);
    expect(client.sockets).toHaveLength(2);
    expect(codeOf(await client.nextMessage().catch((e: unknown) => e))).toBe("CLOSED");
  });

  it("reports a callback that throws, and an onError that throws, without breaking", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const client = new FakeClient({
      onMessage: () => {
        throw new Error("callback");
      },
      onError: (error) => {
        throw new Error(`onError saw ${(error as Error).message}`);
      },
    });
    const opened = client.connect("ws://127.0.0.1:9/");
    await vi.advanceTimersByTimeAsync(0);
    client.socket.open();
    await opened;
    client.socket.receive("x");
    expect(logged).toHaveBeenCalledOnce();
    expect((logged.mock.calls[0]![0] as Error).message).toBe("onError saw callback");
    expect((await client.nextMessage()).text).toBe("x");
    logged.mockRestore();
  });

  it("reports rejected async callbacks too", async () => {
    const errors: unknown[] = [];
    const client = new FakeClient({
      onOpen: async () => {
        throw new Error("async");
      },
      onError: (error) => errors.push(error),
    });
    const opened = client.connect("ws://127.0.0.1:9/");
    await vi.advanceTimersByTimeAsync(0);
    client.socket.open();
    await opened;
    await settle();
    expect(errors.map((e) => (e as Error).message)).toEqual(["async"]);
  });

  it("reports dropped unread messages once per flood, and unsent queued messages on close", async () => {
    const errors: ClientError[] = [];
    const client = new FakeClient({
      maxUnreadMessages: 2,
      reconnect: true,
      onError: (e) => errors.push(e as ClientError),
    });
    const opened = client.connect("ws://127.0.0.1:9/");
    await vi.advanceTimersByTimeAsync(0);
    client.socket.open();
    await opened;
    for (const text of ["1", "2", "3", "4"]) client.socket.receive(text);
    expect(errors.map((e) => e.code)).toEqual(["MESSAGES_DROPPED"]);
    expect((await client.nextMessage()).text).toBe("3");
    for (const text of ["5", "6"]) client.socket.receive(text);
    expect(errors.map((e) => e.code)).toEqual(["MESSAGES_DROPPED", "MESSAGES_DROPPED"]);
    client.socket.drop();
    client.send("a");
    client.send("b");
    await client.close();
    expect(errors.at(-1)?.code).toBe("QUEUE_DISCARDED");
    expect(errors.at(-1)?.message).toBe("QUEUE_DISCARDED: 2");
  });

  it("a URL function that throws is a failed attempt; one returning a bad URL is final", async () => {
    let calls = 0;
    const client = new FakeClient({ reconnect: { initialDelay: 5, jitter: 0 }, onError: () => {} });
    const connecting = client
      .connect(() => {
        calls++;
        if (calls === 1) throw new Error("token service down");
        return "not a url";
      })
      .catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(5);
    expect(calls).toBe(2);
    expect(codeOf(await connecting)).toBe("INVALID_URL");
  });

  it("delivers binary as bytes and text as text, each convertible to the other", async () => {
    const frames: [number, number][] = [];
    const client = new FakeClient({
      onMessageFrame: (data, opcode) => frames.push([opcode, data.byteLength]),
    });
    const opened = client.connect("ws://127.0.0.1:9/");
    await vi.advanceTimersByTimeAsync(0);
    client.socket.open();
    await opened;
    client.socket.receive("é");
    client.socket.receive(new Uint8Array([104, 105]));
    client.socket.receive(new Uint8Array([195, 169]), false); // TEXT as bytes, as ws delivers it
    const [text, binary, textBytes] = [
      await client.nextMessage(),
      await client.nextMessage(),
      await client.nextMessage(),
    ];
    expect([text.opcode, text.text, [...text.data]]).toEqual([1, "é", [195, 169]]);
    expect([binary.opcode, binary.text, [...binary.data]]).toEqual([2, "hi", [104, 105]]);
    expect([textBytes.opcode, textBytes.text]).toEqual([1, "é"]);
    expect(frames).toEqual([
      [1, 2],
      [2, 2],
      [1, 2],
    ]);
  });
});
