import { describe, expect, it } from "vitest";
import { DEFAULT_RECONNECT, reconnectDelay } from "../src/index.js";

describe("reconnectDelay", () => {
  const policy = { ...DEFAULT_RECONNECT };

  it("grows by factor from initialDelay and stops at maxDelay", () => {
    const middle = [0, 1, 2, 3, 4].map((retry) => reconnectDelay(retry, policy, 0, 0.5));
    expect(middle).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it("spreads each delay by ±jitter, never past maxDelay", () => {
    expect(reconnectDelay(0, policy, 0, 0)).toBe(500);
    expect(reconnectDelay(0, policy, 0, 1)).toBe(1500);
    expect(reconnectDelay(10, policy, 0, 0)).toBe(2500);
    expect(reconnectDelay(10, policy, 0, 1)).toBe(5000);
  });

  it("is exact without jitter", () => {
    const exact = { ...policy, jitter: 0, factor: 1.5, initialDelay: 100, maxDelay: 1000 };
    expect([0, 1, 2, 10].map((retry) => reconnectDelay(retry, exact, 0, 0.9))).toEqual([
      100, 150, 225, 1000,
    ]);
  });

  it("waits at least what the server asked for, spread upwards by jitter", () => {
    expect(reconnectDelay(0, policy, 5000, 0)).toBe(5000);
    expect(reconnectDelay(0, policy, 5000, 1)).toBe(7500);
    expect(reconnectDelay(0, policy, 100, 0.5)).toBe(1000);
  });
});
