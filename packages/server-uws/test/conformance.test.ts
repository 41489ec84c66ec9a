import { serverConformance } from "@switchboard/conformance";
import { uwsBackend } from "../src/index.js";

serverConformance({
  name: "uws",
  backend: () => uwsBackend(),
  skip: [
    {
      reason:
        "uWebSockets.js 20.30 takes a data frame inside a fragmented message as its continuation and delivers the joined message",
      tests: [
        "5 fragmentation: a new binary message inside a fragmented text: the connection ends, nothing is delivered, others are undisturbed",
      ],
    },
    {
      reason:
        "uWebSockets.js 20.30 ends the channel (onWsClose gets 1006, nothing is delivered) but leaves the TCP connection open without telling the peer",
      tests: [
        "1 framing: an unmasked client frame: the connection ends, nothing is delivered, others are undisturbed",
      ],
    },
  ],
});
