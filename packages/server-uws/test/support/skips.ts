import type { UwsBuildName } from "@switchboard/test-support/uws-builds";

export type Skip = { reason: string; tests: string[] };

/** What every uWebSockets.js build tested so far gets wrong, and core cannot make right. */
const ENGINE_LIMITS: Skip[] = [
  {
    reason:
      "uWebSockets.js (20.30 and 20.57) takes a data frame inside a fragmented message as its continuation and delivers the joined message",
    tests: [
      "5 fragmentation: a new binary message inside a fragmented text: the connection ends, nothing is delivered, others are undisturbed",
    ],
  },
  {
    reason:
      "uWebSockets.js (20.30 and 20.57) ends the channel (onWsClose gets 1006, nothing is delivered) but leaves the TCP connection open without telling the peer",
    tests: [
      "1 framing: an unmasked client frame: the connection ends, nothing is delivered, others are undisturbed",
    ],
  },
  {
    reason:
      "uWebSockets.js (every build: HTTP_IDLE_TIMEOUT_S 10 and HTTP_RECEIVE_THROUGHPUT_BYTES 16 KiB are compile-time constants) drops an upload slower than 16 KiB/s after about 10 s, with no response, whatever bodyTimeoutMs says",
    tests: ["answers 408 to an upload that trickles past bodyTimeoutMs"],
  },
];

/** Per build, beyond ENGINE_LIMITS. */
const BUILD_LIMITS: Record<UwsBuildName, Skip[]> = {
  "uWebSockets.js 20.30.0": [
    {
      reason:
        "uWebSockets.js 20.30 drops the connection without an answer on a Content-Length that is not plain digits, or one sent with Transfer-Encoding; core never sees the request (it never runs a second one either)",
      tests: [
        "answers a Content-Length list with 400 and Connection: close, before any route runs",
        "answers a signed Content-Length with 400 and Connection: close, before any route runs",
        "answers Transfer-Encoding with Content-Length with 400 and Connection: close, before any route runs",
      ],
    },
    {
      reason:
        "uWebSockets.js 20.30 never answers an HTTP/1.0 request (20.57 answers 505), and holds it until its 10 s idle timeout; core never sees it",
      tests: [
        "answers an HTTP/1.0 request (200, or 505 from an engine that speaks only 1.1) and closes",
      ],
    },
    {
      reason:
        "uWebSockets.js 20.30 parses at most 50 head lines (MAX_HEADERS, compile-time) and never answers a longer head (20.57 answers 431); core never sees it",
      tests: [
        "answers a request of 60 header lines within maxHeaderBytes (200, or 431 from an engine that counts lines)",
        "answers 500 header lines (200 or 431), and 5,000 with 431 or a closed connection",
      ],
    },
  ],
  "uWebSockets.js 20.57.0": [
    {
      reason:
        "uWebSockets.js 20.57 closes a request whose head never completes after about 32 s, past the 15 s this case waits (20.30: about 12 s); core never sees an unfinished head on uWS",
      tests: ["cuts off a malformed request and one whose head never completes, and keeps serving"],
    },
  ],
};

/** The skips of the conformance suite on one uWebSockets.js build, each with its reason. */
export function skipsOf(build: UwsBuildName): Skip[] {
  return [...ENGINE_LIMITS, ...BUILD_LIMITS[build]];
}
