import { ClientError } from "@switchboard/client-node";
import { describe, expect, it } from "vitest";
import { stopReason } from "../src/stop-reason.js";

describe("why a chat client stopped, in words", () => {
  it.each([
    [
      new ClientError("CLOSED_BY_SERVER", "1008 message rate limit exceeded", 0, {
        code: 1008,
        reason: "message rate limit exceeded",
      }),
      "closed by the server: 1008 message rate limit exceeded",
    ],
    [
      new ClientError("CLOSED_BY_SERVER", "1000", 0, { code: 1000, reason: "" }),
      "closed by the server: 1000",
    ],
    [
      new ClientError("UPGRADE_REFUSED", "ws://h/ 401", 0, {
        code: 1006,
        reason: "401",
        status: 401,
      }),
      "refused by the server: HTTP 401",
    ],
    [
      new ClientError(
        "RECONNECT_FAILED",
        3,
        new ClientError("CONNECT_FAILED", "ws://h/ ECONNREFUSED", 0, { code: 1006, reason: "" }),
      ),
      "gave up reconnecting (last: CONNECT_FAILED: ws://h/ ECONNREFUSED)",
    ],
    [new ClientError("INVALID_URL", "nope"), "INVALID_URL: nope"],
  ])("%s", (error, words) => {
    expect(stopReason(error)).toBe(words);
  });
});
