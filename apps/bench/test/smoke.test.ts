/**
 * Every server under every scenario, briefly and with few connections: the bench keeps working
 * and every server behaves the same way. Correctness only — nothing lost, nothing out of order,
 * every server answers — never a speed threshold.
 */
import { afterAll, describe, expect, it } from "vitest";
import { CONTENDERS } from "../src/contenders.js";
import { measure } from "../src/measure.js";
import { killAll, unavailableReason } from "../src/proc.js";
import { SCENARIOS } from "../src/scenarios.js";

afterAll(() => killAll());

describe.each(SCENARIOS.map((s) => [s.id, s] as const))("%s", (_id, scenario) => {
  for (const contender of CONTENDERS) {
    const unavailable = unavailableReason(contender);
    const title = `${contender.id} answers every operation in order`;
    it.skipIf(unavailable !== undefined)(
      unavailable ? `${title} (skipped: ${unavailable})` : title,
      async () => {
        const m = await measure(contender, scenario, 0, {
          profile: "smoke",
          warmupMs: 100,
          windowMs: 600,
          loadProcesses: 2,
        });
        expect(m.error).toBeUndefined();
        expect(m.checks).toMatchObject({ lost: 0, wrong: 0, failures: 0, violations: 0 });
        expect(m.checks.ops).toBeGreaterThan(0);
        expect(Number.isFinite(m.value)).toBe(true);
      },
    );
  }
});
