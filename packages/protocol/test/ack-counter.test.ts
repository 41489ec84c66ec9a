import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ACK_DELAY_MS, ACK_EVERY, AckCounter } from "../src/index.js";

describe("AckCounter", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("acknowledges every ACK_EVERY messages, or ACK_DELAY_MS after the first unacknowledged one", () => {
    const sent: string[] = [];
    const counter = new AckCounter((control) => sent.push(control));
    for (let n = 0; n < ACK_EVERY; n++) counter.count();
    expect(sent).toEqual([`\x1f["ack",${ACK_EVERY}]`]);
    counter.count();
    vi.advanceTimersByTime(ACK_DELAY_MS - 1);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([`\x1f["ack",${ACK_EVERY}]`, `\x1f["ack",${ACK_EVERY + 1}]`]);
  });

  it("with rideAlong, a due ack goes out with the next message, or on its own after twice the delay", () => {
    const sent: string[] = [];
    const counter = new AckCounter((control) => sent.push(control), { rideAlong: true });
    counter.count();
    vi.advanceTimersByTime(ACK_DELAY_MS);
    expect(sent).toEqual([]);
    // The next message carries it: sent from inside its handling.
    counter.count();
    expect(sent).toEqual(['\x1f["ack",2]']);
    counter.count();
    vi.advanceTimersByTime(2 * ACK_DELAY_MS - 1);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual(['\x1f["ack",2]', '\x1f["ack",3]']);
    // A stopped counter (its connection gone) sends nothing, and a due ack is forgotten.
    counter.count();
    vi.advanceTimersByTime(ACK_DELAY_MS);
    counter.stop();
    vi.advanceTimersByTime(10 * ACK_DELAY_MS);
    expect(sent).toHaveLength(2);
  });
});
