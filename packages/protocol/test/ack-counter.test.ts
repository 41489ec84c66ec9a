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
});
