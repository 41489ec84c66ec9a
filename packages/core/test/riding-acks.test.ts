import { ACK_DELAY_MS } from "@switchboard/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RidingAcks } from "../src/recovery/riding-acks.js";

describe("RidingAcks", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("a due ack goes out with the next message, or on its own after twice the delay", () => {
    const sent: string[] = [];
    const counter = new RidingAcks((control) => sent.push(control));
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
