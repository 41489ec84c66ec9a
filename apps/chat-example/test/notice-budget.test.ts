import { afterEach, describe, expect, it, vi } from "vitest";
import {
  NOTICE_WINDOW_MS,
  type NoticeBatch,
  NoticeBudget,
  summaryLine,
} from "../src/notice-budget.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("the join and leave notice budget", () => {
  it("announces notices one by one while they are few, and summarises the rest once per window", () => {
    vi.useFakeTimers();
    const batches: NoticeBatch[] = [];
    const budget = new NoticeBudget(3, (batch) => batches.push(batch));
    const admitted = ["joined", "joined", "left", "joined", "left", "joined"].map((kind) =>
      budget.admit(kind as keyof NoticeBatch),
    );
    expect(admitted).toEqual([true, true, true, false, false, false]);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(NOTICE_WINDOW_MS);
    expect(batches).toEqual([{ joined: 2, left: 1 }]);
    // The window after a storm stays in summary mode: the storm may not be over.
    expect(budget.admit("joined")).toBe(false);
    vi.advanceTimersByTime(NOTICE_WINDOW_MS);
    expect(batches).toEqual([
      { joined: 2, left: 1 },
      { joined: 1, left: 0 },
    ]);
    // A window with nothing to summarise ends the storm.
    vi.advanceTimersByTime(NOTICE_WINDOW_MS);
    expect(batches).toHaveLength(2);
    expect(budget.admit("left")).toBe(true);
    budget.stop();
  });

  it("sends nothing once stopped", () => {
    vi.useFakeTimers();
    const batches: NoticeBatch[] = [];
    const budget = new NoticeBudget(1, (batch) => batches.push(batch));
    budget.admit("joined");
    budget.admit("joined");
    budget.stop();
    expect(budget.admit("joined")).toBe(false);
    vi.advanceTimersByTime(10 * NOTICE_WINDOW_MS);
    expect(batches).toEqual([]);
  });

  it.each([
    [{ joined: 1998, left: 12 }, "1998 users joined, 12 left"],
    [{ joined: 1, left: 0 }, "1 user joined"],
    [{ joined: 0, left: 40 }, "40 users left"],
  ])("tells plain clients %o as %s", (batch, line) => {
    expect(summaryLine(batch)).toBe(line);
  });
});
