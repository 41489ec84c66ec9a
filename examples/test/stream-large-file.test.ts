import { describe, expect, it } from "vitest";
import { streamOnce } from "../stream-large-file.js";
import { runs, titled } from "../support/engines.js";

for (const backend of ["ws", "uws"]) {
  describe.skipIf(!runs(backend))(
    titled(`streaming to a slow reader on ${backend}`, backend),
    () => {
      it("with await drain(): every byte arrives in order and the server's memory stays flat", async () => {
        const report = await streamOnce({ backend, mib: 64, drain: true });
        expect(report.received).toEqual({
          bytes: 64 * 1024 * 1024,
          messages: 1024,
          inOrder: true,
          closeCode: 1000,
        });
        expect(report.peakRssMiB - report.baselineRssMiB).toBeLessThan(48);
      });

      it("without drain(): the buffer hits maxBufferedBytes and the channel is closed with 1008, not grown", async () => {
        const report = await streamOnce({
          backend,
          mib: 256,
          drain: false,
          maxBufferedBytes: 4 * 1024 * 1024,
        });
        expect(report.received.closeCode).toBe(1008);
        expect(report.received.inOrder).toBe(true);
        expect(report.received.bytes).toBeLessThan(256 * 1024 * 1024);
      });
    },
  );
}
