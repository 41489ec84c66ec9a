import { describe, expect, it } from "vitest";
import { checkEventOptions } from "../src/index.js";

describe("checkEventOptions", () => {
  it.each([
    [{ requestTimeoutMs: -1 }, /requestTimeoutMs/],
    [{ requestTimeoutMs: Number.NaN }, /requestTimeoutMs/],
    // A timer fires a delay past 2 ** 31 - 1 ms after 1 ms: every request would time out at once.
    [{ requestTimeoutMs: 2 ** 31 }, /requestTimeoutMs: 2147483648/],
    [{ requestTimeoutMs: Number.POSITIVE_INFINITY }, /requestTimeoutMs/],
    [{ maxInFlightRequests: "64" }, /maxInFlightRequests/],
    [{ maxInvalidPayloads: -1 }, /maxInvalidPayloads/],
    [{ codec: { name: "json v2" } }, /codec\.name/],
  ])("refuses %o with INVALID_OPTION", (options, message) => {
    expect(() => checkEventOptions(options as never)).toThrow(message);
    expect(() => checkEventOptions(options as never)).toThrow(
      expect.objectContaining({ code: "INVALID_OPTION" }),
    );
  });

  it("accepts the defaults, the longest timer, and counts without a bound", () => {
    expect(() => checkEventOptions({})).not.toThrow();
    expect(() =>
      checkEventOptions({
        requestTimeoutMs: 2 ** 31 - 1,
        maxInFlightRequests: Number.POSITIVE_INFINITY,
        maxInvalidPayloads: 0,
      }),
    ).not.toThrow();
  });
});
