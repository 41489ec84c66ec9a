import { DEFAULT_RECONNECT, reconnectDelay } from "@switchboard/client-core";
import { describe, expect, it } from "vitest";
import { retryAfterMs } from "../src/retry-after.js";

describe("Retry-After", () => {
  const now = Date.parse("Tue, 01 Dec 2026 10:00:00 GMT");

  it("reads seconds and HTTP dates as ms from now", () => {
    expect(retryAfterMs("120", now)).toBe(120_000);
    expect(retryAfterMs(" 0 ", now)).toBe(0);
    expect(retryAfterMs("Tue, 01 Dec 2026 10:00:30 GMT", now)).toBe(30_000);
  });

  it("treats a date in the past as now, and anything unreadable as absent", () => {
    expect(retryAfterMs("Tue, 01 Dec 2026 09:00:00 GMT", now)).toBe(0);
    for (const bad of [undefined, "", "soon", "-5", "1.5"]) {
      expect(retryAfterMs(bad, now), String(bad)).toBeUndefined();
    }
  });

  it("keeps a far wait, spread by the largest jitter, within what a timer takes", () => {
    const longest = 2 ** 31 - 1;
    for (const far of ["99999999999", "2147483", "Fri, 31 Dec 9999 23:59:59 GMT"]) {
      const asked = retryAfterMs(far, now)!;
      expect(asked, far).toBe(longest / 2);
      const policy = { ...DEFAULT_RECONNECT, jitter: 1 };
      expect(reconnectDelay(0, policy, asked, 1), far).toBeLessThanOrEqual(longest);
    }
  });
});
